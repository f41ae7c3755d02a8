//! Issue 9, item 2: decoding a Debitsuccess SOAP 1.1 request and rendering its reply through
//! the real adapter code, against the parse floor -- a raw quick-xml event scan of the same
//! bytes that builds nothing. Run: `cargo bench --bench soap`.

use std::hint::black_box;

use billing_compat::adapters::debitsuccess::bench_hooks::{
    decode_adjust_soap11, render_adjust_success_soap11,
};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use quick_xml::events::Event;
use quick_xml::Reader;

/// The SOAP 1.1 request of the README and docs/debitsuccess.md (the one `bench/soap.lua` sends).
const REQUEST: &str = concat!(
    r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>"#,
    r#"<AdjustAccountTerminationDate xmlns="Debitsuccess.WebServices.WCF">"#,
    r#"<request xmlns:a="http://schemas.datacontract.org/2004/07/Debitsuccess.WebServices.Core">"#,
    r#"<a:RequestInitiator>bench</a:RequestInitiator>"#,
    r#"<a:User><a:Password>Gym-Pass-2024</a:Password><a:Username>ds-gym</a:Username></a:User>"#,
    r#"<a:AccountReferenceNo>DS1000001</a:AccountReferenceNo><a:TerminationDate>2031-12-31</a:TerminationDate>"#,
    r#"</request></AdjustAccountTerminationDate></s:Body></s:Envelope>"#
);

/// The floor: every event of the document, with its text unescaped, nothing kept. Never
/// inlined, so instruction counters (callgrind) can attribute it.
#[inline(never)]
fn raw_scan(bytes: &[u8]) -> usize {
    let mut reader = Reader::from_reader(bytes);
    let mut buf = Vec::new();
    let mut events = 0;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) | Err(_) => break,
            Ok(Event::Text(t)) => {
                events += t.xml10_content().len();
            }
            Ok(_) => events += 1,
        }
        buf.clear();
    }
    events
}

fn soap(c: &mut Criterion) {
    let bytes = REQUEST.as_bytes();
    assert!(decode_adjust_soap11(bytes), "the bench request must decode");
    let mut group = c.benchmark_group("debitsuccess_soap11");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("raw_quick_xml_scan", |b| {
        b.iter(|| raw_scan(black_box(bytes)))
    });
    group.bench_function("decode", |b| {
        b.iter(|| decode_adjust_soap11(black_box(bytes)))
    });
    group.bench_function("render_reply", |b| b.iter(render_adjust_success_soap11));
    group.bench_function("decode_and_render", |b| {
        b.iter(|| {
            let ok = decode_adjust_soap11(black_box(bytes));
            (ok, render_adjust_success_soap11())
        })
    });
    group.finish();
}

criterion_group!(benches, soap);
criterion_main!(benches);
