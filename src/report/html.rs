//! The reviewer's page (`review --html FILE`): one self-contained HTML file for a whole batch
//! (inline CSS and JS, no network, no external assets) with a document list, per document the
//! original and redacted text side by side with every span highlighted (ground, rule,
//! confidence, why), kept findings shown distinctly, for PDFs the text per page and the boxes,
//! and filters by ground, rule and confidence. Clear text: for a reviewer at their own desk.
//!
//! The page carries stable hooks for tools and tests: every document is one element with
//! `data-doc` (its relative path), every finding one table row with `data-finding` (its content
//! fingerprint, the same as in `report.json`), `data-ground`, `data-rule`, `data-confidence`
//! and `data-kept`.

use crate::batch::{DocKind, Reviewed};
use crate::detect::{Disposition, Finding};
use crate::rules::Confidence;
use crate::rules::grounds::Templates;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// Escapes text for HTML element content and attribute values (double or single quoted).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in HTML text; show them as replacement chars.
            c if c.is_control() && c != '\n' && c != '\t' && c != '\r' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

fn conf_str(c: Confidence) -> &'static str {
    match c {
        Confidence::Candidate => "candidate",
        Confidence::Plausible => "plausible",
        Confidence::Confirmed => "confirmed",
    }
}

/// Status a reviewed document would get from `redact` (before verification, which only
/// `redact` runs).
fn status(d: &Reviewed) -> &'static str {
    if d.problem.is_some() {
        "needs-review"
    } else if d.findings.iter().any(Finding::redacted) {
        "redacted"
    } else {
        "clean"
    }
}

/// Fingerprints of a document's findings, computed exactly as `report.json` does.
fn fingerprints(d: &Reviewed) -> Vec<String> {
    crate::report::mask::fingerprints(&d.rel, &d.text, &d.findings)
}

fn attrs(f: &Finding) -> String {
    format!(
        "data-ground=\"{}\" data-rule=\"{}\" data-confidence=\"{}\" data-kept=\"{}\"",
        escape(&f.ground),
        escape(&f.rule),
        conf_str(f.confidence),
        u8::from(!f.redacted())
    )
}

fn why(f: &Finding, t: &Templates) -> String {
    let what = match &f.disposition {
        Disposition::Redact => format!("gelakt [{}]", f.ground),
        Disposition::Keep(r) => format!("zichtbaar: {r}"),
    };
    format!(
        "{what} · {} · {} · {}",
        f.rule,
        t.status_label(conf_str(f.confidence)),
        f.explanation
    )
}

/// Renders text[a..b] twice (original, redacted) with the findings inside it highlighted.
/// `t` words the tooltips.
fn panes(
    text: &str,
    a: usize,
    b: usize,
    findings: &[(usize, &Finding)],
    fps: &[String],
    t: &Templates,
) -> (String, String) {
    let mut orig = String::new();
    let mut red = String::new();
    let mut pos = a;
    for &(k, f) in findings {
        // Kept findings may overlap a redaction; the table lists them, the text shows one.
        if f.start < pos || f.end > b || text.get(f.start..f.end).is_none() {
            continue;
        }
        let before = escape(&text[pos..f.start]);
        orig.push_str(&before);
        red.push_str(&before);
        let span = escape(&text[f.start..f.end]);
        let cls = if f.redacted() { "redact" } else { "kept" };
        let title = escape(&why(f, t));
        let _ = write!(
            orig,
            "<mark class=\"span {cls}\" data-span=\"{}\" {} title=\"{title}\">{span}</mark>",
            escape(&fps[k]),
            attrs(f)
        );
        if f.redacted() {
            let _ = write!(
                red,
                "<mark class=\"span label\" data-span=\"{}\" {} title=\"{title}\">[{}]</mark>",
                escape(&fps[k]),
                attrs(f),
                escape(&f.ground)
            );
        } else {
            let _ = write!(
                red,
                "<mark class=\"span kept\" data-span=\"{}\" {} title=\"{title}\">{span}</mark>",
                escape(&fps[k]),
                attrs(f)
            );
        }
        pos = f.end;
    }
    let rest = escape(text.get(pos..b.max(pos)).unwrap_or(""));
    orig.push_str(&rest);
    red.push_str(&rest);
    (orig, red)
}

fn side_by_side(out: &mut String, orig: &str, red: &str) {
    let _ = writeln!(
        out,
        "<div class=\"pair\"><div class=\"side\"><div class=\"cap\">origineel</div><pre class=\"orig\">{orig}</pre></div>\
         <div class=\"side\"><div class=\"cap\">gelakt</div><pre class=\"red\">{red}</pre></div></div>"
    );
}

/// Page ranges of a PDF's text: (start, end) per page, without the blank line between pages.
fn page_ranges(d: &Reviewed) -> Vec<(usize, usize)> {
    let n = d.page_starts.len();
    (0..n)
        .map(|i| {
            let a = d.page_starts[i];
            let b = d
                .page_starts
                .get(i + 1)
                .map_or(d.text.len(), |&s| s.saturating_sub(2).max(a));
            (a, b)
        })
        .collect()
}

/// One document: status, problem, the text side by side (per page for a PDF, with its boxes)
/// and the table of findings.
fn doc_section(body: &mut String, i: usize, d: &Reviewed, t: &Templates) {
    let fps = fingerprints(d);
    let (rel, st, red) = (
        escape(&d.rel),
        status(d),
        d.findings.iter().filter(|f| f.redacted()).count(),
    );
    let kept = d.findings.len() - red;
    let kind = match d.kind {
        DocKind::Pdf => "pdf",
        DocKind::Eml | DocKind::Msg => "mail",
        DocKind::Docx => "docx",
        DocKind::Text | DocKind::Unsupported => "text",
    };
    let _ = writeln!(
        body,
        "<section class=\"doc\" id=\"doc-{i}\" data-doc=\"{rel}\" data-status=\"{st}\" data-kind=\"{kind}\">\
         <h2>{rel}</h2><p class=\"meta\"><span class=\"st {st}\">{}</span> · {red} gelakt · {kept} zichtbaar gelaten</p>",
        escape(t.status_label(st))
    );
    if let Some(p) = &d.problem {
        let _ = writeln!(
            body,
            "<p class=\"problem\">{} Geen uitvoer; een mens moet dit document bekijken. <small class=\"tech\">(technisch: {})</small></p>",
            escape(&t.review_reason_text(p)),
            escape(p)
        );
    }
    let indexed: Vec<(usize, &Finding)> = d.findings.iter().enumerate().collect();
    if d.problem.is_none() {
        if d.kind == DocKind::Pdf && !d.page_starts.is_empty() {
            for (pi, (a, b)) in page_ranges(d).into_iter().enumerate() {
                let on_page: Vec<(usize, &Finding)> = indexed
                    .iter()
                    .copied()
                    .filter(|(_, f)| f.start >= a && f.start < b.max(a + 1))
                    .collect();
                let _ = writeln!(
                    body,
                    "<div class=\"page\" data-page=\"{}\"><h3>Pagina {}</h3>",
                    pi + 1,
                    pi + 1
                );
                let (o, r) = panes(&d.text, a, b, &on_page, &fps, t);
                side_by_side(body, &o, &r);
                let boxes: Vec<(usize, &Finding)> = on_page
                    .iter()
                    .copied()
                    .filter(|(k, f)| f.redacted() && d.places.get(*k).copied().flatten().is_some())
                    .collect();
                if !boxes.is_empty() {
                    body.push_str(
                        "<table class=\"boxes\"><thead><tr><th>pagina</th><th>vak (x0, y0, x1, y1 pt)</th>\
                         <th>grond</th><th>regel</th></tr></thead><tbody>\n",
                    );
                    for (k, f) in boxes {
                        if let Some((p, r)) = d.places.get(k).copied().flatten() {
                            let _ = writeln!(
                                body,
                                "<tr class=\"box\" data-box=\"{}\" {}><td>{}</td><td>{:.1}, {:.1}, {:.1}, {:.1}</td>\
                                 <td>{}</td><td>{}</td></tr>",
                                escape(&fps[k]),
                                attrs(f),
                                p + 1,
                                r[0],
                                r[1],
                                r[2],
                                r[3],
                                escape(&f.ground),
                                escape(&f.rule)
                            );
                        }
                    }
                    body.push_str("</tbody></table>\n");
                }
                body.push_str("</div>\n");
            }
        } else {
            let (o, r) = panes(&d.text, 0, d.text.len(), &indexed, &fps, t);
            side_by_side(body, &o, &r);
        }
    }
    if !d.findings.is_empty() {
        body.push_str(
            "<table class=\"findings\"><thead><tr><th>#</th><th>tekst</th><th>besluit</th><th>grond</th>\
             <th>regel</th><th>zekerheid</th><th>plaats</th><th>waarom</th></tr></thead><tbody>\n",
        );
        let lines: Vec<usize> = std::iter::once(0)
            .chain(d.text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        for (k, f) in d.findings.iter().enumerate() {
            let place = match d.places.get(k).copied().flatten() {
                Some((p, _)) => format!("p. {}", p + 1),
                None => format!("r. {}", lines.partition_point(|&s| s <= f.start)),
            };
            let decision = match &f.disposition {
                Disposition::Redact => format!("gelakt [{}]", escape(&f.ground)),
                Disposition::Keep(r) => format!("zichtbaar: {}", escape(r)),
            };
            let _ = writeln!(
                body,
                "<tr class=\"finding {}\" data-finding=\"{}\" data-doc-ref=\"{}\" {}><td>{}</td><td class=\"t\">{}</td>\
                 <td>{decision}</td><td>{}</td><td>{}</td><td>{}</td><td>{place}</td><td>{}</td></tr>",
                if f.redacted() { "redact" } else { "kept" },
                escape(&fps[k]),
                escape(&d.rel),
                attrs(f),
                k + 1,
                escape(d.text.get(f.start..f.end).unwrap_or("")),
                escape(&f.ground),
                escape(&f.rule),
                escape(t.status_label(conf_str(f.confidence))),
                escape(&f.explanation)
            );
        }
        body.push_str("</tbody></table>\n");
    }
    body.push_str("</section>\n");
}

/// Summary numbers of a page, for tests and the header.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Documents on the page.
    pub documents: usize,
    /// Redactions.
    pub redactions: usize,
    /// Kept findings.
    pub kept: usize,
}

/// Builds the page for a reviewed batch.
pub fn render(docs: &[Reviewed], t: &Templates) -> (String, Summary) {
    let mut sum = Summary {
        documents: docs.len(),
        ..Default::default()
    };
    let mut grounds: BTreeSet<String> = BTreeSet::new();
    let mut rules: BTreeSet<String> = BTreeSet::new();
    let mut per_ground: BTreeMap<String, usize> = BTreeMap::new();
    for d in docs {
        for f in &d.findings {
            grounds.insert(f.ground.to_string());
            rules.insert(f.rule.to_string());
            if f.redacted() {
                sum.redactions += 1;
                *per_ground.entry(f.ground.to_string()).or_default() += 1;
            } else {
                sum.kept += 1;
            }
        }
    }
    let mut body = String::new();
    // Document list.
    body.push_str(
        "<nav id=\"doclist\"><h2>Documenten</h2><table><thead><tr><th>document</th><th>status</th>\
         <th>gelakt</th><th>zichtbaar gelaten</th><th>zichtbaar na filter</th></tr></thead><tbody>\n",
    );
    for (i, d) in docs.iter().enumerate() {
        let (rel, st, red) = (
            escape(&d.rel),
            status(d),
            d.findings.iter().filter(|f| f.redacted()).count(),
        );
        let kept = d.findings.len() - red;
        let _ = writeln!(
            body,
            "<tr class=\"docrow\" data-docrow=\"{rel}\" data-status=\"{st}\"><td><a href=\"#doc-{i}\">{rel}</a></td>\
             <td class=\"st {st}\">{}</td><td>{red}</td><td>{kept}</td><td class=\"vis\" id=\"vis-{i}\"></td></tr>",
            escape(t.status_label(st))
        );
    }
    body.push_str("</tbody></table></nav>\n");
    for (i, d) in docs.iter().enumerate() {
        doc_section(&mut body, i, d, t);
    }
    let mut filters = String::from("<div id=\"filters\">");
    checkbox_fieldset(&mut filters, "grond", "f-ground", &grounds);
    checkbox_fieldset(&mut filters, "regel", "f-rule", &rules);
    filters.push_str(
        "<fieldset><legend>zekerheid</legend><select id=\"f-confidence\"><option value=\"all\">alle</option>",
    );
    for c in ["candidate", "plausible", "confirmed"] {
        let _ = write!(filters, "<option value=\"{c}\">{}</option>", escape(t.status_label(c)));
    }
    filters.push_str(
        "</select> <label><input type=\"checkbox\" id=\"f-kept\" checked> zichtbaar gelaten tonen</label></fieldset></div>\n",
    );
    let totals: Vec<String> = per_ground.iter().map(|(g, n)| format!("{} {n}", escape(g))).collect();
    let mut page = String::with_capacity(body.len() + 8192);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\">\
         <title>woo-redact review</title><style>{CSS}</style></head><body>\n\
         <header><h1>woo-redact review</h1><p id=\"summary\" data-documents=\"{}\" data-redactions=\"{}\" data-kept=\"{}\">\
         {} documenten · {} lakkingen ({}) · {} zichtbaar gelaten · <span id=\"shown\">{}</span> bevindingen zichtbaar na filter</p>\
         <p class=\"warn\">Bevat de tekst in klare vorm: alleen voor lokaal gebruik, niet publiceren of delen.</p>\
         {filters}</header>\n<main>\n{body}</main>\n<script>{JS}</script></body></html>\n",
        sum.documents,
        sum.redactions,
        sum.kept,
        sum.documents,
        sum.redactions,
        if totals.is_empty() {
            "geen".to_string()
        } else {
            totals.join(", ")
        },
        sum.kept,
        sum.redactions + sum.kept
    );
    (page, sum)
}

const CSS: &str = r#"
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
header{position:sticky;top:0;background:#fff;border-bottom:1px solid #ccc;padding:6px 16px;z-index:2}
h1{font-size:18px;margin:4px 0}h2{font-size:16px;margin:8px 0 2px}h3{font-size:14px;margin:8px 0 2px}
main{padding:0 16px 40px}
.warn{color:#8a4b00;margin:2px 0}
#filters fieldset{display:inline-block;border:1px solid #ddd;margin:2px 6px 2px 0;padding:2px 6px}
#filters label{white-space:nowrap;margin-right:6px}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}
th{background:#eef}
.doc{background:#fff;border:1px solid #ccc;border-radius:4px;margin:14px 0;padding:6px 12px}
.pair{display:flex;gap:10px}.side{flex:1;min-width:0}.cap{font-size:12px;color:#555}
pre{white-space:pre-wrap;word-wrap:break-word;background:#f4f4f4;border:1px solid #e0e0e0;padding:6px;margin:2px 0;font:12px/1.4 ui-monospace,monospace}
mark.span.redact{background:#ffb3b3;outline:1px solid #c00}
mark.span.label{background:#111;color:#fff}
mark.span.kept{background:#c8f0c8;outline:1px dashed #080}
mark.span.off{background:none;outline:none;color:inherit}
tr.finding.kept{background:#effaef}tr.finding.redact{background:#fff3f3}
tr.off{display:none}
.st.redacted{color:#a00}.st.clean{color:#060}.st.needs-review{color:#a60;font-weight:bold}
.problem{background:#fff0d0;border:1px solid #e0a000;padding:6px}
td.t{font-family:ui-monospace,monospace}
"#;

const JS: &str = r#"
(function(){
  function checked(cls){var s={};document.querySelectorAll('input.'+cls).forEach(function(i){if(i.checked)s[i.value]=1;});return s;}
  function apply(){
    var g=checked('f-ground'),r=checked('f-rule'),c=document.getElementById('f-confidence').value,k=document.getElementById('f-kept').checked;
    function ok(el){var d=el.dataset;return g[d.ground]&&r[d.rule]&&(c==='all'||d.confidence===c)&&(k||d.kept!=='1');}
    document.querySelectorAll('mark.span,tr.finding,tr.box').forEach(function(el){el.classList.toggle('off',!ok(el));});
    var total=0;
    document.querySelectorAll('section.doc').forEach(function(sec,i){
      var n=sec.querySelectorAll('tr.finding:not(.off)').length;total+=n;
      var cell=document.getElementById('vis-'+i);if(cell)cell.textContent=String(n);
    });
    document.getElementById('shown').textContent=String(total);
  }
  // Initial filters from the address, e.g. #ground=5.1.2e,5.1.1e&confidence=candidate&kept=0,
  // so a filtered view can be bookmarked or shared.
  function fromHash(){
    var h=decodeURIComponent(location.hash.replace(/^#/,''));if(!h)return;
    h.split('&').forEach(function(kv){
      var p=kv.split('='),k=p[0],v=p.slice(1).join('=');
      if(k==='ground'||k==='rule'){var want=v.split(',');document.querySelectorAll('input.f-'+k).forEach(function(i){i.checked=want.indexOf(i.value)>=0;});}
      else if(k==='confidence'){document.getElementById('f-confidence').value=v;}
      else if(k==='kept'){document.getElementById('f-kept').checked=v!=='0';}
    });
  }
  document.querySelectorAll('#filters input,#filters select').forEach(function(el){el.addEventListener('change',apply);});
  fromHash();
  apply();
})();
"#;

/// A fieldset of checked checkboxes, one per value, for the page's filters.
fn checkbox_fieldset<'a>(out: &mut String, legend: &str, class: &str, values: impl IntoIterator<Item = &'a String>) {
    let _ = write!(out, "<fieldset><legend>{legend}</legend>");
    for v in values {
        let v = escape(v);
        let _ = write!(
            out,
            "<label><input type=\"checkbox\" class=\"{class}\" value=\"{v}\" checked> {v}</label> "
        );
    }
    out.push_str("</fieldset>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn finding(start: usize, end: usize, keep: bool) -> Finding {
        Finding {
            start,
            end,
            rule: Arc::from("naam-titel"),
            category: crate::rules::Category::Name,
            ground: Arc::from("5.1.2e"),
            confidence: Confidence::Confirmed,
            explanation: Arc::from("titel <b>"),
            disposition: if keep {
                Disposition::Keep("minister".into())
            } else {
                Disposition::Redact
            },
        }
    }

    #[test]
    fn escapes_text_and_attributes() {
        assert_eq!(
            escape("<a href='x'>&\"</a>\u{0}"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;\u{fffd}"
        );
    }

    #[test]
    fn renders_spans_rows_and_escapes_document_text() {
        let text = "Van: <J. Jansen>\nminister Bos & co\n".to_string();
        let d = Reviewed {
            rel: "a\"b.txt".into(),
            kind: DocKind::Text,
            findings: vec![finding(6, 15, false), finding(26, 29, true)],
            text,
            places: vec![],
            page_starts: vec![],
            problem: None,
        };
        let (html, sum) = render(&[d], &crate::rules::grounds::GroundTable::builtin().template);
        assert_eq!(
            sum,
            Summary {
                documents: 1,
                redactions: 1,
                kept: 1
            }
        );
        assert_eq!(html.matches("data-finding=").count(), 2);
        assert_eq!(html.matches("data-doc=\"a&quot;b.txt\"").count(), 1);
        assert!(html.contains("&lt;<mark class=\"span redact\""), "{html}");
        assert!(html.contains(">[5.1.2e]</mark>&gt;"), "{html}");
        assert!(html.contains("<mark class=\"span kept\""), "{html}");
        assert!(html.contains(">Bos</mark> &amp; co"), "{html}");
        assert!(!html.contains("<b>"), "explanation must be escaped");
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "no external assets"
        );
    }
}
