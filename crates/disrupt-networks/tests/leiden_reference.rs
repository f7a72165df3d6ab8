//! Our Leiden against the `leidenalg` package: modularity within 1% on Zachary's karate
//! club and on planted-partition graphs (reference values from tests/reference/).

use disrupt_networks::{leiden, modularity, Graph, LeidenConfig};
use serde_json::Value;

#[test]
fn modularity_within_one_percent_of_leidenalg() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/reference/leiden_reference.json")).unwrap();
    let reference: Value = serde_json::from_str(&text).unwrap();
    let cases = reference["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 5);
    for case in cases {
        let mut graph = Graph::new(case["nodes"].as_u64().unwrap() as usize);
        for e in case["edges"].as_array().unwrap() {
            graph.add_edge(e[0].as_u64().unwrap() as u32, e[1].as_u64().unwrap() as u32, e[2].as_f64().unwrap());
        }
        let membership = leiden(&graph, &LeidenConfig::default());
        let ours = modularity(&graph, &membership, 1.0);
        let theirs = case["leidenalg_modularity"].as_f64().unwrap();
        eprintln!("{}: ours {ours:.5}, leidenalg {theirs:.5}", case["name"]);
        assert!(ours >= theirs * 0.99, "{}: {ours} vs leidenalg {theirs}", case["name"]);
    }
}
