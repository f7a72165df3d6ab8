//! Romance-scam operations run as a funnel, and their organic look-alikes.
//!
//! An operation buys ads for a fake dating club on Facebook that point to its chat accounts'
//! Telegram handles. Its operators work dozens of targets each at once, in Indonesian, from
//! one script with variations (names, cities, wording, emoji): first contact (ping), small
//! talk, affection (zing), then escalating payment requests (sting: a "VIP upgrade", a
//! "verification deposit", a "withdrawal fee") to e-wallet numbers and bank accounts the
//! operators share. Some targets leave early, some refuse to pay, some pay once or more.
//! The script itself is a model's output: one AI-provider account asked for the greetings
//! and lines of affection (its `generation` record is in the data, as a provider's logs
//! would give it).
//!
//! The traps behave like parts of that and are no operation: sellers who advertise and then
//! give their own bank account to customers who wrote first; a shop whose two service
//! accounts share the shop's account; a friend who borrows money once; couples who say
//! "sayang" and ask each other for petrol money. No record carries a `role`.
//!
//! The true stage of every message goes to `stages_truth.jsonl`: what the message does
//! (first contact, affection, a payment request or confirmation, anything else), whoever
//! sends it; whether it belongs to a scam is the network's question, not the stage's.

use super::{Gen, SimulationSummary, DAY, HOUR, START_MS};
use disrupt_records::format_rfc3339;
use rand::seq::SliceRandom;
use rand::Rng;
use serde_json::json;

const MINUTE: i64 = 60_000;

const PERSONAS: &[&str] = &["Rina", "Sari", "Dewi", "Maya", "Putri", "Lina", "Ayu", "Nadia", "Intan", "Tari", "Wulan", "Fitri"];
const CITIES: &[&str] = &["Bandung", "Surabaya", "Medan", "Semarang", "Makassar", "Malang", "Bogor", "Yogyakarta", "Solo", "Palembang"];
const TARGET_NAMES: &[&str] =
    &["Budi", "Andi", "Agus", "Dedi", "Joko", "Rudi", "Hendra", "Yusuf", "Bambang", "Eko", "Fajar", "Rizky", "Wahyu", "Arif"];
const BANKS: &[&str] = &["BCA", "BRI", "Mandiri", "BNI"];
const WALLETS: &[&str] = &["DANA", "OVO", "GoPay"];

fn pick<'a>(g: &mut Gen, list: &[&'a str]) -> &'a str {
    list.choose(&mut g.rng).copied().unwrap_or(list[0])
}

fn digits(g: &mut Gen, n: usize) -> String {
    (0..n).map(|_| char::from(b'0' + g.rng.gen_range(0..10u8))).collect()
}

/// A light variation of a script line: emoji, a dropped courtesy word, "kakak" for "kak".
fn vary(g: &mut Gen, text: &str) -> String {
    let mut t = text.to_string();
    if g.rng.gen_bool(0.3) {
        t = t.replacen("kak ", "kakak ", 1);
    }
    if g.rng.gen_bool(0.25) {
        t = t.replacen(" ya,", ",", 1);
    }
    if g.rng.gen_bool(0.35) {
        t.push(' ');
        t.push_str(pick(g, &["😊", "🙏", "💕", "😘", "🥰"]));
    }
    t
}

/// One message to write: who sends it (index into the conversation's two sides), after how
/// long, what it says and its true stage.
struct Line {
    from_operator: bool,
    delay_ms: i64,
    text: String,
    stage: &'static str,
}

fn line(from_operator: bool, delay_ms: i64, text: String, stage: &'static str) -> Line {
    Line { from_operator, delay_ms, text, stage }
}

struct Chat<'a> {
    conversation: String,
    operator: &'a str,
    other: &'a str,
    start: i64,
}

fn write_chat(g: &mut Gen, chat: &Chat<'_>, lines: &[Line]) {
    let mut t = chat.start;
    for (k, l) in lines.iter().enumerate() {
        t += l.delay_ms;
        let id = format!("{}/{}", chat.conversation, k + 1);
        let sender = if l.from_operator { chat.operator } else { chat.other };
        g.lines.push(
            json!({"kind": "message", "id": id, "conversation": chat.conversation, "account": sender, "platform": "telegram",
                   "created_at": format_rfc3339(t), "text": l.text})
            .to_string(),
        );
        g.stage_truth.push(json!({"message": id, "conversation": chat.conversation, "stage": l.stage}));
        g.messages += 1;
    }
}

fn account(g: &mut Gen, id: &str, platform: &str, handle: &str, label: serde_json::Value) {
    g.lines.push(json!({"kind": "account", "id": id, "platform": platform, "handle": handle, "lang": "id"}).to_string());
    let mut l = label;
    l["kind"] = json!("label");
    l["account"] = json!(id);
    g.extra_labels.push(l);
}

fn ad(g: &mut Gen, account: &str, time: i64, text: String) {
    g.post_counter += 1;
    let id = format!("facebook:ad{}", g.post_counter);
    g.lines.push(
        json!({"kind": "post", "id": id, "account": account, "platform": "facebook", "is_ad": true,
               "created_at": format_rfc3339(time), "text": text, "lang": "id"})
        .to_string(),
    );
    g.posts += 1;
}

/// The operator's side of one target's funnel and the target's answers.
fn scam_chat(g: &mut Gen, persona: &str, city: &str, wallets: &[String], banks: &[String]) -> Vec<Line> {
    let target = pick(g, TARGET_NAMES);
    let mut out = Vec::new();
    let greeting = match g.rng.gen_range(0..3) {
        0 => format!("Halo kak {target}, salam kenal ya, aku {persona} dari {city}. Aku lihat profil kakak di KlubRomantis, boleh kenalan lebih dekat?"),
        1 => format!("Hai kak {target}, salam kenal, aku {persona} dari {city}. Tadi aku lihat profil kakak di KlubRomantis, boleh kita kenalan?"),
        _ => format!("Halo kak {target}, salam kenal ya. Aku {persona}, tinggal di {city}, aku lihat profil kakak di KlubRomantis, boleh kenalan?"),
    };
    if g.rng.gen_bool(0.4) {
        // The target answered the ad and writes first.
        let opener = pick(
            g,
            &[
                "Halo kak, aku dari iklan KlubRomantis di Facebook",
                "Hai kak, salam kenal, aku lihat iklannya di Facebook",
                "Halo kak, aku mau daftar KlubRomantis",
            ],
        );
        out.push(line(false, 0, opener.to_string(), "ping"));
        out.push(line(true, g.rng.gen_range(1..20) * MINUTE, vary(g, &greeting), "ping"));
    } else {
        out.push(line(true, 0, vary(g, &greeting), "ping"));
    }
    let reply = pick(g, &["Halo juga, salam kenal", "Hai juga kak, salam kenal ya", "Boleh, salam kenal juga"]);
    out.push(line(false, g.rng.gen_range(2..120) * MINUTE, reply.to_string(), "ping"));
    for _ in 0..g.rng.gen_range(1..3) {
        let q = pick(g, &["Kamu kerja di mana kak?", "Sudah makan belum hari ini?", "Kakak hobinya apa?", "Lagi sibuk apa sekarang?"]);
        out.push(line(true, g.rng.gen_range(5..90) * MINUTE, q.to_string(), "other"));
        let a = pick(g, &["Aku kerja di bengkel", "Sudah, barusan makan", "Lagi santai di rumah", "Aku suka mancing", "Baru pulang kerja"]);
        out.push(line(false, g.rng.gen_range(2..60) * MINUTE, a.to_string(), "other"));
    }
    // Some leave before the affection starts.
    if g.rng.gen_bool(0.15) {
        out.push(line(false, g.rng.gen_range(1..6) * HOUR, "Maaf, aku lagi sibuk, nanti saja ya".into(), "other"));
        return out;
    }
    for _ in 0..g.rng.gen_range(2..4) {
        let z = pick(
            g,
            &[
                "Aku merasa kita cocok banget, sayang",
                "Aku kangen kamu terus, kak",
                "Baru kenal sebentar tapi aku sudah sayang sama kamu",
                "Percayalah, hanya kamu yang aku pikirkan setiap hari",
                "Aku tidak bisa tidur karena memikirkan kamu",
                "Aku ingin masa depan kita bersama, sayang",
            ],
        );
        out.push(line(true, g.rng.gen_range(1..8) * HOUR, vary(g, z), "zing"));
        if g.rng.gen_bool(0.6) {
            let r = pick(g, &["Aku juga kangen kamu", "Aku juga sayang kamu", "Kamu bikin aku senang setiap hari", "Aku juga rindu"]);
            out.push(line(false, g.rng.gen_range(2..60) * MINUTE, r.to_string(), "zing"));
        }
    }
    let wallet = wallets.choose(&mut g.rng).cloned().unwrap_or_default();
    let bank = banks.choose(&mut g.rng).cloned().unwrap_or_default();
    let steps = [
        match g.rng.gen_range(0..2) {
            0 => format!("Sayang, supaya kita bisa video call kamu harus upgrade VIP dulu, cuma Rp 250.000 ke {wallet}"),
            _ => format!("Untuk upgrade akun VIP biar bisa ketemuan, transfer Rp 250.000 ke {wallet} ya sayang"),
        },
        match g.rng.gen_range(0..2) {
            0 => format!("Akun VIP kamu perlu verifikasi, deposit Rp 500.000 ke rekening {bank}, nanti uangnya dikembalikan"),
            _ => format!("Sayang, ada deposit verifikasi Rp 500.000 ke {bank} supaya akun kamu aman, nanti dikembalikan"),
        },
        format!("Sedikit lagi sayang, ada biaya penarikan Rp 1.500.000, transfer ke {bank} supaya deposit kamu bisa cair"),
    ];
    for (k, ask) in steps.iter().enumerate() {
        out.push(line(true, g.rng.gen_range(2..24) * HOUR, ask.clone(), "sting"));
        let u: f64 = g.rng.gen();
        if u < 0.3 {
            let no = pick(g, &["Maaf, aku tidak punya uang sebanyak itu", "Ini penipuan ya? Aku blokir", "Aku tidak mau lanjut lagi"]);
            out.push(line(false, g.rng.gen_range(5..120) * MINUTE, no.to_string(), "other"));
            return out;
        }
        if u < 0.45 {
            out.push(line(false, g.rng.gen_range(5..120) * MINUTE, "Kenapa harus bayar lagi? Kemarin kan sudah".into(), "sting"));
            out.push(line(true, g.rng.gen_range(5..60) * MINUTE, "Itu aturan dari admin sayang, percaya aku ya".into(), "zing"));
        }
        let paid = match k {
            0 => "Sudah aku transfer 250rb ya, cek dulu",
            1 => "Sudah tf 500rb ke rekening itu",
            _ => "Sudah aku transfer, tolong cepat dicairkan",
        };
        out.push(line(false, g.rng.gen_range(10..180) * MINUTE, paid.to_string(), "sting"));
    }
    out
}

/// Plants `operations` scam operations and the organic look-alikes.
pub fn plant(g: &mut Gen, operations: usize, summary: &mut SimulationSummary) {
    let mut chats = 0u64;
    for op in 1..=operations {
        let name = format!("scam-{op}");
        let club = format!("klubromantis-{op}.example");
        let operators: Vec<(String, &str, &str)> = (0..10)
            .map(|k| {
                let persona = PERSONAS[(k + op) % PERSONAS.len()];
                let city = CITIES[(k * 3 + op) % CITIES.len()];
                (format!("{}_kr{op}{k}", persona.to_lowercase()), persona, city)
            })
            .collect();
        for (handle, _, _) in &operators {
            account(
                g,
                &format!("telegram:{handle}"),
                "telegram",
                handle,
                json!({"operation": name, "type": "scam", "role": "operator", "perturbation": "scam_script"}),
            );
        }
        // The script was written with a model: its greetings and lines of affection are one
        // AI-provider account's outputs, which the operators fill in and vary.
        let writer = format!("ai:org-scam{op}/user-1");
        super::ai_ops::ai_account(
            g,
            &writer,
            json!({"operation": name, "type": "scam", "role": "operator", "perturbation": "ai_operator"}),
        );
        let (persona, city) = (operators[0].1, operators[0].2);
        let outputs = vec![
            format!(
                "Halo kak, salam kenal ya, aku {persona} dari {city}. Aku lihat profil kakak di KlubRomantis, boleh kenalan lebih dekat?"
            ),
            format!("Hai kak, salam kenal, aku {persona} dari {city}. Tadi aku lihat profil kakak di KlubRomantis, boleh kita kenalan?"),
            format!("Halo kak, salam kenal ya. Aku {persona}, tinggal di {city}, aku lihat profil kakak di KlubRomantis, boleh kenalan?"),
            "Baru kenal sebentar tapi aku sudah sayang sama kamu".to_string(),
            "Percayalah, hanya kamu yang aku pikirkan setiap hari".to_string(),
        ];
        let ip = format!("203.0.113.{}", 10 + op);
        super::ai_ops::generation(
            g,
            &format!("gen-scam{op}-1"),
            &writer,
            START_MS - 2 * DAY,
            "Tulis 5 pesan perkenalan dan rayuan yang hangat untuk member aplikasi kencan KlubRomantis, bahasa Indonesia santai",
            &outputs,
            false,
            &[("ip", ip)],
        );
        // Payment details the operators share: a few wallets and two bank accounts.
        let wallets: Vec<String> = (0..3).map(|_| format!("{} 08{}", pick(g, WALLETS), digits(g, 10))).collect();
        let banks: Vec<String> = (0..2).map(|_| format!("{} {}", pick(g, BANKS), digits(g, 10))).collect();
        let ad_accounts: Vec<String> = (0..5).map(|k| format!("facebook:{}", 100_000_000 + op * 100 + k)).collect();
        for (k, a) in ad_accounts.iter().enumerate() {
            account(
                g,
                a,
                "facebook",
                &format!("jodoh_idaman_{op}{k}"),
                json!({"operation": name, "type": "scam", "role": "ad", "perturbation": "scam_ad"}),
            );
            for _ in 0..3 {
                let (handle, persona, _) = operators.choose(&mut g.rng).cloned().unwrap_or_else(|| operators[0].clone());
                let text = match g.rng.gen_range(0..3) {
                    0 => format!("Cari pasangan serius? Gabung KlubRomantis sekarang, ribuan member baru menunggu! Chat admin {persona} di Telegram @{handle} 💕 https://{club}/daftar"),
                    1 => format!("Kesepian? Ribuan wanita cantik menunggu kamu di KlubRomantis. Daftar sekarang gratis, chat @{handle} di Telegram https://{club}/daftar"),
                    _ => format!("KlubRomantis: cari jodoh jadi mudah! Member baru langsung dapat teman kencan. Hubungi @{handle} https://{club}/daftar?ref=fb{k}"),
                };
                let time = START_MS + g.rng.gen_range(0..6 * DAY);
                ad(g, a, time, text);
            }
        }
        for (handle, persona, city) in &operators {
            let operator = format!("telegram:{handle}");
            for _ in 0..24 {
                chats += 1;
                let target = format!("telegram:u{}", 5_000_000 + chats);
                account(
                    g,
                    &target,
                    "telegram",
                    &format!("user{chats}"),
                    json!({"operation": "organic", "type": "organic", "trap": "scam_target"}),
                );
                let lines = scam_chat(g, persona, city, &wallets, &banks);
                let start = START_MS + g.rng.gen_range(0..4 * DAY) + g.rng.gen_range(0..DAY);
                write_chat(g, &Chat { conversation: format!("telegram:chat{chats}"), operator: &operator, other: &target, start }, &lines);
            }
        }
        summary.operations.insert(name, ("scam".into(), operators.len() + ad_accounts.len() + 1));
        *summary.traps.entry("scam_target".into()).or_default() += operators.len() * 24;
    }
    plant_look_alikes(g, &mut chats, summary);
}

fn plant_look_alikes(g: &mut Gen, chats: &mut u64, summary: &mut SimulationSummary) {
    let organic = |trap: &str| json!({"operation": "organic", "type": "organic", "trap": trap});
    // Sellers and a shop: they advertise, customers write first, staff give a bank account.
    let mut shops: Vec<(String, Vec<String>, String)> = Vec::new();
    for k in 0..6 {
        let shop = format!("toko{}", pick(g, &["baju", "kue", "sepatu", "tas", "hp", "kosmetik"]));
        shops.push((format!("{shop}{k}"), vec![format!("{shop}{k}_cs")], format!("{} {}", pick(g, BANKS), digits(g, 10))));
    }
    shops.push(("tokomaju".into(), vec!["tokomaju_cs1".into(), "tokomaju_cs2".into()], format!("BCA {}", digits(g, 10))));
    for (k, (shop, staff, bank)) in shops.iter().enumerate() {
        let trap = if staff.len() > 1 { "shop_support" } else { "legit_seller" };
        let ad_account = format!("facebook:{}", 200_000_000 + k);
        account(g, &ad_account, "facebook", shop, organic(trap));
        for s in staff {
            account(g, &format!("telegram:{s}"), "telegram", s, organic(trap));
        }
        for _ in 0..2 {
            let text = format!(
                "Promo akhir bulan di {shop}! Diskon 20% semua produk, stok terbatas. Order via Telegram @{} atau WA 08{}",
                staff[0],
                digits(g, 10)
            );
            let time = START_MS + g.rng.gen_range(0..6 * DAY);
            ad(g, &ad_account, time, text);
        }
        let customers = if staff.len() > 1 { 20 } else { 6 };
        for c in 0..customers {
            *chats += 1;
            let customer = format!("telegram:u{}", 5_000_000 + *chats);
            account(g, &customer, "telegram", &format!("user{chats}"), organic("shop_customer"));
            let item = pick(g, &["kaos hitam ukuran L", "kue lapis 1 loyang", "sepatu nomor 42", "tas ransel biru", "casing hp"]);
            let price = 50 + g.rng.gen_range(0..40) * 5;
            let lines = vec![
                line(false, 0, format!("Kak, {item} masih ada?"), "other"),
                line(true, g.rng.gen_range(2..60) * MINUTE, format!("Masih ada kak, harganya {price}rb belum ongkir"), "other"),
                line(false, g.rng.gen_range(2..60) * MINUTE, "Oke kak, aku pesan satu".into(), "other"),
                line(
                    true,
                    g.rng.gen_range(2..30) * MINUTE,
                    format!("Siap kak, total Rp {}.000 sudah termasuk ongkir, silakan transfer ke {bank} a.n. {shop}", price + 15),
                    "sting",
                ),
                line(false, g.rng.gen_range(10..180) * MINUTE, "Sudah transfer kak, ini buktinya".into(), "sting"),
                line(true, g.rng.gen_range(5..60) * MINUTE, "Terima kasih kak, pesanan dikirim besok pagi ya".into(), "other"),
            ];
            let operator = format!("telegram:{}", staff[c % staff.len()]);
            let start = START_MS + g.rng.gen_range(0..6 * DAY);
            write_chat(g, &Chat { conversation: format!("telegram:chat{chats}"), operator: &operator, other: &customer, start }, &lines);
        }
        *summary.traps.entry(trap.into()).or_default() += 1 + staff.len();
        *summary.traps.entry("shop_customer".into()).or_default() += customers;
    }
    // A friend borrowing once; couples.
    for k in 0..10 {
        *chats += 1;
        let (a, b) = (format!("telegram:u{}", 7_000_000 + 2 * k), format!("telegram:u{}", 7_000_001 + 2 * k));
        let couple = k % 2 == 1;
        let trap = if couple { "couple" } else { "friend_loan" };
        account(g, &a, "telegram", &format!("friend{}", 2 * k), organic(trap));
        account(g, &b, "telegram", &format!("friend{}", 2 * k + 1), organic(trap));
        let lines = if couple {
            let errand = pick(g, &["uang bensin", "uang pulsa", "beli makan siang", "bayar parkir"]);
            let amount = pick(g, &["50rb", "25rb", "75rb", "100rb"]);
            vec![
                line(
                    true,
                    0,
                    pick(g, &["Sayang, aku kangen kamu", "Sayangku lagi apa?", "Kangen banget sama kamu hari ini"]).into(),
                    "zing",
                ),
                line(false, 20 * MINUTE, pick(g, &["Aku juga kangen kamu", "Aku juga sayang", "Kangen juga"]).into(), "zing"),
                line(true, HOUR, pick(g, &["Nanti malam makan di mana?", "Besok jadi nonton?", "Kamu pulang jam berapa?"]).into(), "other"),
                line(false, 10 * MINUTE, pick(g, &["Terserah kamu, aku ikut saja", "Jadi dong", "Jam enam kayaknya"]).into(), "other"),
                line(true, 3 * HOUR, format!("Sayang, tolong transfer {errand} {amount} ya"), "sting"),
                line(false, 15 * MINUTE, pick(g, &["Oke sudah aku tf ya", "Sudah transfer sayang", "Sudah ya"]).into(), "sting"),
            ]
        } else {
            let amount = pick(g, &["300rb", "500rb", "1jt"]);
            vec![
                line(
                    true,
                    0,
                    match g.rng.gen_range(0..3) {
                        0 => format!("Bro, boleh pinjam uang {amount} dulu? Gajian aku ganti"),
                        1 => format!("Sis, aku lagi butuh banget, bisa pinjami {amount} sampai minggu depan?"),
                        _ => format!("Boleh pinjam uang {amount}? Motor aku masuk bengkel"),
                    },
                    "sting",
                ),
                line(false, 30 * MINUTE, "Boleh, kirim nomor rekening kamu ya".into(), "sting"),
                line(true, 5 * MINUTE, format!("{} {} a.n. aku sendiri, makasih banyak bro", pick(g, BANKS), digits(g, 10)), "sting"),
                line(false, 2 * HOUR, "Sudah aku tf ya".into(), "sting"),
                line(true, 10 * MINUTE, "Mantap, terima kasih bro".into(), "other"),
            ]
        };
        let start = START_MS + g.rng.gen_range(0..6 * DAY);
        write_chat(g, &Chat { conversation: format!("telegram:chat{chats}"), operator: &a, other: &b, start }, &lines);
        *summary.traps.entry(trap.into()).or_default() += 2;
    }
}
