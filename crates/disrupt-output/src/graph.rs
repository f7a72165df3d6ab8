//! `accounts.csv`, `graph.gexf` and `graph.graphml`: the accounts the networks name, for a
//! spreadsheet and for Gephi and graph libraries (networkx, igraph, Cytoscape).
//!
//! Nodes are the networks' members and operator accounts (and, when asked, their targets),
//! with network, role, score, platform, handle, followers and posts. An edge is one account
//! pair of `edges.csv`, its rows merged: weight summed, signals listed, the pair's p-value
//! with every signal fused (or a link signal's own, when smaller). A target is joined to the members it exchanged messages with.
//! Both files are written by hand (the formats are small): every value is escaped, and
//! characters XML 1.0 cannot carry (control characters in a handle) become U+FFFD.

use crate::atomic::AtomicFile;
use crate::findings::ScanFindings;
use disrupt_model::{AccountRole, NamedAccount, Signal, ACCOUNT_COLUMNS};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{self, Write};
use std::path::Path;

/// Writes `accounts.csv`: one row per account a network names.
pub fn write_named_accounts(path: &Path, accounts: &[NamedAccount], spreadsheet_safe: bool) -> io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    {
        let mut csv = csv::Writer::from_writer(file.writer());
        csv.write_record(ACCOUNT_COLUMNS)?;
        for a in accounts {
            a.write_csv(&mut csv, spreadsheet_safe)?;
        }
        csv.flush()?;
    }
    file.commit()
}

/// The account graph: nodes (accounts) and merged edges.
pub struct AccountGraph<'a> {
    /// Nodes, sorted by account.
    nodes: Vec<&'a NamedAccount>,
    /// Each network's score.
    scores: HashMap<String, f64>,
    /// (source, target) -> edge, `source < target`.
    edges: BTreeMap<(String, String), GraphEdge>,
}

/// One account pair, every signal's row merged.
#[derive(Debug, Default)]
struct GraphEdge {
    weight: f64,
    signals: BTreeSet<(usize, Signal)>,
    /// The pair's p-value (all signals fused); `None` for a target's link.
    p_value: Option<f64>,
}

impl<'a> AccountGraph<'a> {
    /// The graph of `accounts` (targets only when `with_targets`), with the edges of
    /// `findings` between them.
    pub fn new(findings: &impl ScanFindings, accounts: &'a [NamedAccount], scores: HashMap<String, f64>, with_targets: bool) -> Self {
        let mut nodes: Vec<&NamedAccount> = accounts.iter().filter(|a| with_targets || a.role != AccountRole::Target).collect();
        nodes.sort_by(|x, y| x.account.cmp(&y.account));
        nodes.dedup_by(|x, y| x.account == y.account);
        let present: BTreeSet<&str> = nodes.iter().map(|a| a.account.as_str()).collect();
        let mut edges: BTreeMap<(String, String), GraphEdge> = BTreeMap::new();
        for i in 0..findings.edge_count() {
            let e = findings.edge_link(i);
            if !(present.contains(e.source.as_ref()) && present.contains(e.target.as_ref())) {
                continue;
            }
            let edge = edges.entry((e.source.into_owned(), e.target.into_owned())).or_default();
            edge.weight += e.weight;
            edge.signals.insert((e.signal.contract_rank(), e.signal));
            // A link signal's row (0: deterministic) may stand outside the fused pair test.
            let p = e.pair_p_value.min(e.p_value);
            edge.p_value = Some(edge.p_value.map_or(p, |q| q.min(p)));
        }
        if with_targets {
            for link in findings.target_links() {
                if !(present.contains(link.account.as_str()) && present.contains(link.target.as_str())) {
                    continue;
                }
                let key = if link.account < link.target { (link.account, link.target) } else { (link.target, link.account) };
                let edge = edges.entry(key).or_default();
                edge.weight += link.messages as f64;
                edge.signals.insert((usize::MAX, CONVERSATION));
            }
        }
        AccountGraph { nodes, scores, edges }
    }

    /// Nodes.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Edges.
    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

    /// Writes the graph as GEXF 1.2 (Gephi's own format; networkx reads it).
    pub fn write_gexf(&self, path: &Path) -> io::Result<()> {
        let mut file = AtomicFile::create(path)?;
        let w = file.writer();
        writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
        writeln!(w, r#"<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">"#)?;
        writeln!(
            w,
            r#"  <meta><creator>disrupt {}</creator><description>accounts the networks name, and their evidence edges</description></meta>"#,
            env!("CARGO_PKG_VERSION")
        )?;
        writeln!(w, r#"  <graph mode="static" defaultedgetype="undirected">"#)?;
        writeln!(w, r#"    <attributes class="node">"#)?;
        for (i, (name, kind)) in NODE_ATTRIBUTES.iter().enumerate() {
            writeln!(w, r#"      <attribute id="{i}" title="{name}" type="{}"/>"#, kind.gexf())?;
        }
        writeln!(w, "    </attributes>")?;
        writeln!(w, r#"    <attributes class="edge">"#)?;
        writeln!(w, r#"      <attribute id="0" title="signals" type="string"/>"#)?;
        writeln!(w, r#"      <attribute id="1" title="p_value" type="double"/>"#)?;
        writeln!(w, "    </attributes>")?;
        writeln!(w, "    <nodes>")?;
        for node in &self.nodes {
            write!(w, r#"      <node id="{}" label="{}"><attvalues>"#, xml(&node.account), xml(label(node)))?;
            for (i, value) in self.node_values(node).into_iter().enumerate() {
                if let Some(v) = value {
                    write!(w, r#"<attvalue for="{i}" value="{}"/>"#, xml(&v))?;
                }
            }
            writeln!(w, "</attvalues></node>")?;
        }
        writeln!(w, "    </nodes>")?;
        writeln!(w, "    <edges>")?;
        for (i, e) in self.edge_cells().enumerate() {
            write!(
                w,
                r#"      <edge id="{i}" source="{}" target="{}" weight="{}"><attvalues><attvalue for="0" value="{}"/>"#,
                e.source, e.target, e.weight, e.signals
            )?;
            if let Some(p) = e.p_value {
                write!(w, r#"<attvalue for="1" value="{p}"/>"#)?;
            }
            writeln!(w, "</attvalues></edge>")?;
        }
        writeln!(w, "    </edges>")?;
        writeln!(w, "  </graph>")?;
        writeln!(w, "</gexf>")?;
        file.commit()
    }

    /// Writes the graph as GraphML (networkx, igraph, Cytoscape, yEd).
    pub fn write_graphml(&self, path: &Path) -> io::Result<()> {
        let mut file = AtomicFile::create(path)?;
        let w = file.writer();
        writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
        writeln!(
            w,
            r#"<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">"#
        )?;
        writeln!(w, r#"  <key id="label" for="node" attr.name="label" attr.type="string"/>"#)?;
        for (i, (name, kind)) in NODE_ATTRIBUTES.iter().enumerate() {
            writeln!(w, r#"  <key id="n{i}" for="node" attr.name="{name}" attr.type="{}"/>"#, kind.graphml())?;
        }
        writeln!(w, r#"  <key id="weight" for="edge" attr.name="weight" attr.type="double"/>"#)?;
        writeln!(w, r#"  <key id="signals" for="edge" attr.name="signals" attr.type="string"/>"#)?;
        writeln!(w, r#"  <key id="p_value" for="edge" attr.name="p_value" attr.type="double"/>"#)?;
        writeln!(w, r#"  <graph id="disrupt" edgedefault="undirected">"#)?;
        for node in &self.nodes {
            write!(w, r#"    <node id="{}"><data key="label">{}</data>"#, xml(&node.account), xml(label(node)))?;
            for (i, value) in self.node_values(node).into_iter().enumerate() {
                if let Some(v) = value {
                    write!(w, r#"<data key="n{i}">{}</data>"#, xml(&v))?;
                }
            }
            writeln!(w, "</node>")?;
        }
        for e in self.edge_cells() {
            write!(
                w,
                r#"    <edge source="{}" target="{}"><data key="weight">{}</data><data key="signals">{}</data>"#,
                e.source, e.target, e.weight, e.signals
            )?;
            if let Some(p) = e.p_value {
                write!(w, r#"<data key="p_value">{p}</data>"#)?;
            }
            writeln!(w, "</edge>")?;
        }
        writeln!(w, "  </graph>")?;
        writeln!(w, "</graphml>")?;
        file.commit()
    }

    /// Each edge's values, escaped for XML.
    fn edge_cells(&self) -> impl Iterator<Item = EdgeCells> + '_ {
        self.edges.iter().map(|((source, target), edge)| EdgeCells {
            source: xml(source),
            target: xml(target),
            weight: number(edge.weight),
            signals: xml(&signals(edge)),
            p_value: edge.p_value.map(number),
        })
    }

    /// A node's attribute values, as [`NODE_ATTRIBUTES`] lists them (`None`: unknown).
    fn node_values(&self, node: &NamedAccount) -> [Option<String>; 7] {
        [
            Some(node.network.clone()),
            Some(node.role.as_str().to_string()),
            self.scores.get(&node.network).map(|s| number(*s)),
            Some(node.platform.clone()),
            node.handle.clone(),
            node.followers.map(|f| f.to_string()),
            Some(node.posts.to_string()),
        ]
    }
}

/// An edge's values as both formats write them.
struct EdgeCells {
    source: String,
    target: String,
    weight: String,
    signals: String,
    p_value: Option<String>,
}

/// The signal name a target's link to a member carries.
const CONVERSATION: Signal = Signal::named("conversation");

#[derive(Clone, Copy)]
enum AttributeType {
    Text,
    Real,
    Count,
}

impl AttributeType {
    fn gexf(self) -> &'static str {
        match self {
            AttributeType::Text => "string",
            AttributeType::Real => "double",
            AttributeType::Count => "long",
        }
    }

    fn graphml(self) -> &'static str {
        match self {
            AttributeType::Text => "string",
            AttributeType::Real => "double",
            AttributeType::Count => "long",
        }
    }
}

/// The nodes' attributes, in the order [`AccountGraph::node_values`] gives them.
const NODE_ATTRIBUTES: [(&str, AttributeType); 7] = [
    ("network", AttributeType::Text),
    ("role", AttributeType::Text),
    ("score", AttributeType::Real),
    ("platform", AttributeType::Text),
    ("handle", AttributeType::Text),
    ("followers", AttributeType::Count),
    ("posts", AttributeType::Count),
];

/// What a node is labelled with in Gephi: its handle, else its id.
fn label(node: &NamedAccount) -> &str {
    node.handle.as_deref().unwrap_or(&node.account)
}

fn signals(edge: &GraphEdge) -> String {
    edge.signals.iter().map(|(_, s)| s.as_str()).collect::<Vec<_>>().join(";")
}

/// A number as XML values carry it: the shortest form that reads back exactly, with an
/// exponent for p-values far below one; never NaN.
fn number(x: f64) -> String {
    if !x.is_finite() {
        "0".into()
    } else if x != 0.0 && (x.abs() < 1e-4 || x.abs() >= 1e15) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// Text escaped for an XML attribute or element, with characters XML 1.0 cannot carry
/// replaced by U+FFFD.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push_str(&format!("&#{};", c as u32)),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_is_escaped_and_made_valid() {
        assert_eq!(xml(r#"<a href="x">&'"#), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;");
        assert_eq!(xml("bell\u{7}tab\t"), "bell\u{FFFD}tab&#9;");
        assert_eq!(number(f64::NAN), "0");
        assert_eq!(number(1e-300), "1e-300");
        assert_eq!(number(2.5e-7), "2.5e-7");
        assert_eq!(number(0.25), "0.25");
        assert_eq!(number(12.0), "12");
    }
}
