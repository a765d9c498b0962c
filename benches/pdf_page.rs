//! Per-page cost of the PDF path (issue 7): interpretation, detection, rewrite and verification
//! of real fixture pages, against a baseline that only parses the file, decompresses and
//! recompresses every stream and saves it (the target: our three steps together cost less
//! than that baseline). Throughput is in pages.

/// The binary's allocator, so the figures are the binary's.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::PathBuf;
use woo_redact::detect::{BatchNames, Detector};
use woo_redact::redact::verify;
use woo_redact::rules::RuleSet;
use woo_redact::source::pdf;
use woo_redact::text::TextLayer;
use woo_redact::text::fold::fold_keep_case;

/// Producers whose fonts and content streams differ most (Type0/CID, Type1, TrueType subsets).
const FIXTURES: [&str; 4] = [
    "lo-docx/0004-email.pdf",
    "chromium/0004-email.pdf",
    "pdftex/0004-email.pdf",
    "rl-helv/0004-email.pdf",
];

fn detector() -> Detector {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let lists = RuleSet::builtin().expect("built-in rules").lists;
    let staff = woo_redact::people::load(&root.join("fixtures/lists/staff.csv"), &lists).expect("staff list");
    let officials = woo_redact::people::load(&root.join("fixtures/lists/officials.txt"), &lists).expect("officials");
    Detector::new(RuleSet::builtin().expect("built-in rules"), staff, officials)
}

fn bench(c: &mut Criterion) {
    let det = detector();
    let batch = BatchNames::default();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/pdf");
    let mut g = c.benchmark_group("pdf");
    g.sample_size(20)
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(3));
    for rel in FIXTURES {
        let bytes = std::fs::read(root.join(rel)).expect("fixture");
        let producer = rel.split('/').next().unwrap_or(rel);
        let doc = pdf::load(&bytes).expect("fixture loads");
        g.throughput(Throughput::Elements(doc.pages.len() as u64));
        let layer = TextLayer::plain(doc.text.text.clone());
        let scan = det.scan(&layer);
        let expected = verify::collapse(&fold_keep_case(&woo_redact::redact::text::apply(
            &doc.text.text,
            &scan.findings,
        )));
        let needles: Vec<verify::Needle> = scan
            .findings
            .iter()
            .filter(|f| f.redacted())
            .map(|f| verify::collapse(&fold_keep_case(&doc.text.text[f.start..f.end])))
            .filter(|n| n.chars().filter(|c| c.is_alphanumeric()).count() >= 3)
            .map(|n| verify::Needle {
                allowed: verify::count_words(&expected, &n),
                text: n,
            })
            .collect();
        let (out, _) = woo_redact::redact::pdf::redact(&doc, &scan.findings, rel.as_bytes(), None).expect("redacts");
        assert!(
            verify::pdf(&out, &needles, &det, &batch, &[], &Default::default()).is_ok(),
            "{rel} verifies"
        );

        g.bench_function(format!("interpret/{producer}"), |b| {
            b.iter(|| pdf::load(black_box(&bytes)))
        });
        g.bench_function(format!("detect/{producer}"), |b| b.iter(|| det.scan(black_box(&layer))));
        g.bench_function(format!("rewrite/{producer}"), |b| {
            b.iter(|| woo_redact::redact::pdf::redact(black_box(&doc), &scan.findings, rel.as_bytes(), None))
        });
        g.bench_function(format!("verify/{producer}"), |b| {
            b.iter(|| verify::pdf(black_box(&out), &needles, &det, &batch, &[], &Default::default()))
        });
        g.bench_function(format!("baseline-recompress/{producer}"), |b| {
            b.iter(|| {
                let mut d = lopdf::Document::load_mem(black_box(&bytes)).expect("loads");
                d.decompress();
                d.compress();
                let mut v = Vec::new();
                d.save_to(&mut v).expect("saves");
                v
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
