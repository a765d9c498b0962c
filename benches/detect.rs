//! Throughput of detection and of whole-text redaction on generated Dutch memo text, with a
//! 50,000-name staff list (issue 2: ≥ 100 MB/s per core for detection, later ≥ 200 MB/s).
//! Text and names are generated here from a fixed seed, so runs compare like with like.

/// The binary's allocator, so the figures are the binary's.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use woo_redact::detect::Detector;
use woo_redact::people::Person;
use woo_redact::redact::text::apply;
use woo_redact::rules::RuleSet;
use woo_redact::text::TextLayer;

/// A tiny deterministic generator (xorshift), so the bench needs no extra crates.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

fn word(r: &mut Rng) -> String {
    const A: [&str; 16] = [
        "br", "d", "fr", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w",
    ];
    const V: [&str; 8] = ["a", "e", "i", "o", "u", "ie", "oe", "aa"];
    const E: [&str; 8] = ["n", "k", "rt", "ns", "l", "m", "rd", "s"];
    let n = 1 + r.next() % 3;
    let mut w = String::new();
    for _ in 0..n {
        w.push_str(r.pick(&A));
        w.push_str(r.pick(&V));
    }
    w.push_str(r.pick(&E));
    let mut c = w.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn staff(r: &mut Rng, n: usize) -> Vec<Person> {
    (0..n)
        .map(|_| {
            let first = word(r);
            let surname = word(r);
            Person {
                initials: format!("{}.", &first[..1]),
                first,
                tussen: if r.next().is_multiple_of(4) {
                    "van".into()
                } else {
                    String::new()
                },
                surname,
                emails: vec![],
                phones: vec![],
            }
        })
        .collect()
}

const BODY: [&str; 6] = [
    "Het kabinet heeft in de Voorjaarsnota een bedrag van € 686.000 gereserveerd voor de uitvoering van de motie.",
    "De IND verwacht de planning te kunnen halen; de Tweede Kamer wordt voor de zomer geïnformeerd over de voortgang.",
    "Wij adviseren u in te stemmen met bijgaande brief en de beantwoording binnen drie weken te laten plaatsvinden.",
    "Over de verdeling wordt met het ministerie van Financiën overlegd; de VNG en het Veiligheidsberaad zijn betrokken.",
    "Met de inzet van lakprogrammatuur kan de doorlooptijd worden verkort. Wel blijft menselijke controle noodzakelijk.",
    "Het aantal Woo-verzoeken is in 2025 gestegen tot ruim 17.450; in een groot deel wordt de termijn overschreden.",
];

fn memo(r: &mut Rng, staff: &[Person], target: usize) -> String {
    let mut s = String::with_capacity(target + 4096);
    while s.len() < target {
        let p = &staff[(r.next() % staff.len() as u64) as usize];
        let q = word(r);
        s.push_str("Ministerie van Binnenlandse Zaken en Koninkrijksrelaties\nTurfmarkt 147\n2511 DP Den Haag\nPostbus 20011\n\n");
        s.push_str(&format!(
            "Contactpersoon\n{} {}\nT 070-{:07}\n{}.{}@minbzk.nl\n\n",
            p.first,
            p.surname,
            r.next() % 10_000_000,
            p.first.to_lowercase(),
            p.surname.to_lowercase()
        ));
        s.push_str(&format!(
            "Aan: Minister van Binnenlandse Zaken\nVan: {}, {}\nDatum: 12 maart 2026\n\n",
            p.surname, p.initials
        ));
        for _ in 0..6 {
            s.push_str(r.pick(&BODY));
            s.push(' ');
        }
        s.push_str(&format!(
            "\n\nDeze nota is afgestemd met de heer {} (DGM) en met {} {}. {} is akkoord.\n",
            q, p.first, p.surname, p.surname
        ));
        for _ in 0..4 {
            s.push_str(r.pick(&BODY));
            s.push('\n');
        }
        s.push_str(&format!(
            "\nMet vriendelijke groet,\n\n{}\nSenior beleidsmedewerker\nM 06-{:08}\n\n",
            p.first,
            r.next() % 100_000_000
        ));
    }
    s
}

fn bench(c: &mut Criterion) {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    let people = staff(&mut r, 50_000);
    let text = memo(&mut r, &people, 4 << 20);
    let det = Detector::new(RuleSet::builtin().expect("rules"), people, vec![]);
    let layer = TextLayer::plain(text);
    let mut g = c.benchmark_group("text");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(layer.text.len() as u64));
    g.bench_function("detect/50k-staff", |b| {
        b.iter(|| black_box(det.scan(black_box(&layer))))
    });
    // The bundled example memos, repeated: real memo density (the generated text above is
    // denser in names and numbers than real documents).
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/example");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    names.sort();
    let one: String = names
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("fixture") + "\n")
        .collect();
    let memos = TextLayer::plain(one.repeat((4 << 20) / one.len() + 1));
    g.throughput(Throughput::Bytes(memos.text.len() as u64));
    g.bench_function("detect-example-memos/50k-staff", |b| {
        b.iter(|| black_box(det.scan(black_box(&memos))))
    });
    g.throughput(Throughput::Bytes(layer.text.len() as u64));
    g.bench_function("redact-and-verify/50k-staff", |b| {
        b.iter(|| {
            let scan = det.scan(&layer);
            let out = apply(&layer.text, &scan.findings);
            black_box(det.scan(&TextLayer::plain(out)))
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
