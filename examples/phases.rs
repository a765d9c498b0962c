use std::time::Instant;
use woo_redact::rules::RuleSet;
fn main() {
    let text: String = std::fs::read_to_string(std::env::args().nth(1).unwrap()).unwrap();
    let rules = RuleSet::builtin().unwrap();
    let mb = text.len() as f64 / 1e6;
    let t = Instant::now();
    let f = woo_redact::text::fold::fold(&text);
    println!("fold {:.1} MB/s", mb / t.elapsed().as_secs_f64());
    let t = Instant::now();
    let toks = woo_redact::detect::tokens::tokenize(&text);
    println!("tokenize {:.1} MB/s ({} toks)", mb / t.elapsed().as_secs_f64(), toks.len());
    let t = Instant::now();
    let sc = woo_redact::detect::names::NameScanner::new(&text, &f, &rules.lists);
    println!("scanner new {:.1} MB/s", mb / t.elapsed().as_secs_f64());
    let t = Instant::now();
    let ph = sc.scan();
    println!("names scan {:.1} MB/s ({} phrases)", mb / t.elapsed().as_secs_f64(), ph.len());
    for r in &rules.rules {
        let t = Instant::now();
        let n = r.regex.captures_iter(&text).count();
        println!("rule {} {:.1} MB/s ({n})", r.id, mb / t.elapsed().as_secs_f64());
    }
}
