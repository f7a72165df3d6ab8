#!/usr/bin/env python3
"""An independent scenario for accuracy checks: two weeks of X, Telegram and Facebook
posts, AI-provider request logs and private chats, with ground truth.

Written apart from `disrupt simulate` (a different generator, other operations, other
traps) so that a scan tuned on one is checked on the other. Organic traps are drawn from
the ordinary population, who keep their own lives: the same people who chant at a goal
also read the news, greet their group every morning and repost their friends.

Organic traps (label `traps`):
  news          articles of 12 outlets shared within minutes by heavy-tailed readers who
                each prefer a few outlets; share-button posts carry the headline verbatim
  outlet_fan    heavy readers of one outlet who share a large part of it every day
  news_channel  Telegram channels reposting the news of their outlets
  chant         fans posting the same chants within a minute of each goal, two matches
  greeting      stock morning greetings every day (X posts and Telegram groups)
  copypasta     long texts spreading over a day or two
  trend         a trending hashtag's few hours, each day another
  reply_storm   hundreds replying to a viral post within minutes
  friends       groups reposting and answering each other
  ai_user       people posting what a model wrote for them (pet adoption, bakery
                offers, job ads) from their own account, days apart; some behind one
                office NAT address or shared VPN exits
  fact_checker  quoting an operation's post hours later
  couple        private chats where partners ask each other for money
  shop          shops whose staff give customers who wrote first the shop's bank account
  scam_target   people a scam operation worked (never members)

Operations (label `operation`):
  ring-1        copy-paste ring: identical texts, 4-12 members at a time within 40
                minutes; reposts its three leads within 30 minutes
  ai-op-1       AI-using influence operation: batches of posts "from different people"
                in several languages, each output posted once over 10-60 minutes
  tag-op-1      hashtag and link campaign: own texts, the campaign's hashtags and
                links, in bursts of 10-60 minutes
  rt-op-1       repost campaign amplifying chosen posts within 5-20 minutes
  scam-1        romance-investment scam: ads, chats from one script, shared wallets

Real English text is drawn from ../shared/data (airline tweets, SMS) when it is beside
the repository and --builtin-text is not given; otherwise from built-in sentence banks
(the redistributable fixture in tests/fixtures uses those).

Usage: bench/scenario.py --out DIR [--seed 1] [--scale 1.0] [--days 14] [--builtin-text] [--gzip]
Writes DIR/records.jsonl and DIR/labels.jsonl.
"""
import argparse
import csv
import json
import math
import os
import random
from datetime import datetime, timedelta, timezone

csv.field_size_limit(1 << 24)
HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(os.path.dirname(os.path.dirname(HERE)), "shared", "data")
START = datetime(2026, 5, 4, tzinfo=timezone.utc)

# ---------------------------------------------------------------------------------------
# Text


def load_real_english():
    texts = []
    path = os.path.join(SHARED, "organic-airline-tweets", "airline_tweets.csv")
    if os.path.exists(path):
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                t = " ".join(w for w in row["text"].split() if not w.startswith("@")).strip()
                if len(t.split()) >= 3:
                    texts.append(t)
    path = os.path.join(SHARED, "sms-spam-multilingual", "data-en-hi-de-fr.csv")
    other = {"hi": [], "de": [], "fr": []}
    if os.path.exists(path):
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                if row["labels"] != "ham":
                    continue
                if len(row["text"].split()) >= 4:
                    texts.append(row["text"])
                for lang in other:
                    if len(row.get("text_" + lang, "").split()) >= 4:
                        other[lang].append(row["text_" + lang])
    return texts, other


BANKS = {
    "en": (["Just got back from", "Can't believe", "Honestly", "Today I finally tried", "Anyone else think",
            "So tired of", "Loving", "Still thinking about", "Big thanks to everyone at", "Why is nobody talking about"],
           ["the new coffee place downtown", "this weather", "my sister's wedding", "the traffic on the bridge",
            "the season finale", "our neighbourhood garden", "the price of groceries", "my morning run",
            "the concert last night", "the library's new hours", "the school fundraiser", "my new job"],
           ["and it was great", "lol", "to be honest", "again!", "what a week", "", "seriously", "can't wait for the weekend",
            "any tips?", "10/10 would recommend", "ugh", "so happy right now"]),
    "es": (["Hoy", "Por fin", "No puedo creer", "Qué bonito", "Alguien más piensa en", "Me encanta", "Otra vez"],
           ["el mercado del barrio", "la final del domingo", "el tráfico de la avenida", "la boda de mi prima",
            "el nuevo café de la esquina", "la lluvia de esta tarde", "el precio del pan", "mi abuela cocinando"],
           ["jajaja", "qué día", "de verdad", "", "😂", "increíble", "buenas noches a todos", "así es la vida"]),
    "ar": (["اليوم", "صباح الخير", "لا أصدق", "أخيرا", "هل يعرف أحد", "أحب", "مرة أخرى"],
           ["السوق في وسط المدينة", "المباراة النهائية", "زحمة الطريق", "عرس ابن عمي", "المقهى الجديد",
            "الطقس الجميل", "أسعار الخضار", "مطبخ أمي"],
           ["الحمد لله", "يا له من يوم", "", "😂", "رائع جدا", "تصبحون على خير", "بصراحة"]),
    "ru": (["Сегодня", "Наконец-то", "Не могу поверить", "Кто-нибудь знает", "Обожаю", "Опять"],
           ["новое кафе в центре", "пробки на мосту", "свадьбу сестры", "финал сезона", "погоду в городе",
            "цены в магазине", "утреннюю пробежку", "концерт вчера"],
           ["вот так", "ну и день", "", "😂", "честно", "всем хорошего вечера", "просто супер"]),
    "id": (["Hari ini", "Akhirnya", "Gak nyangka", "Ada yang tahu", "Suka banget sama", "Lagi-lagi"],
           ["warung kopi baru di dekat kantor", "macet di jalan tol", "nikahan sepupu", "final liga kemarin",
            "cuaca Jakarta", "harga cabai di pasar", "masakan ibu", "konser tadi malam"],
           ["wkwk", "capek banget", "", "😂", "mantap", "selamat malam semua", "beneran deh"]),
    "zh": (["今天", "终于", "不敢相信", "有人知道", "好喜欢", "又一次"],
           ["楼下新开的咖啡店", "桥上的堵车", "表姐的婚礼", "昨晚的演唱会", "这几天的天气", "菜市场的价格",
            "妈妈做的饭", "周末的比赛"],
           ["哈哈", "累死了", "", "😂", "太好了", "晚安", "真的"]),
    "fr": (["Aujourd'hui", "Enfin", "Je n'arrive pas à croire", "Quelqu'un connaît", "J'adore", "Encore"],
           ["le nouveau café du quartier", "les bouchons sur le pont", "le mariage de ma sœur", "la finale de dimanche",
            "la météo de la semaine", "le prix du pain", "la cuisine de ma mère", "le concert d'hier soir"],
           ["franchement", "quelle journée", "", "😂", "trop bien", "bonne soirée à tous", "voilà"]),
}
LANGS = ["en"] * 50 + ["es"] * 10 + ["ar"] * 8 + ["ru"] * 7 + ["id"] * 10 + ["zh"] * 5 + ["fr"] * 5 + ["hi"] * 2 + ["de"] * 3

TAGS = {
    "en": ["MondayMotivation", "foodie", "travel", "NowPlaying", "fitness", "photography", "music", "books", "gaming",
           "football", "news", "weather", "coffee", "tbt", "love", "art", "tech", "movies", "health", "family"],
    "es": ["futbol", "LaLiga", "viernes", "comida", "viajes", "musica", "familia", "buenosdias"],
    "ar": ["كرة_القدم", "السعودية", "رمضان", "سفر", "طبخ", "موسيقى"],
    "ru": ["футбол", "Москва", "погода", "музыка", "кино"],
    "id": ["kuliner", "Jakarta", "bola", "musik", "liburan", "infoJKT"],
    "zh": ["美食", "旅行", "音乐", "电影"],
    "fr": ["foot", "Paris", "cuisine", "musique"],
    "hi": ["cricket", "bollywood", "India"],
    "de": ["Fussball", "Berlin", "Musik", "Reisen"],
}
EMOJI = ["😂", "🙏", "❤️", "🔥", "👏", "😍", "🤔", "😭", "✨", "💯", "⚽", "🎉"]
ZW = ["\u200b", "\u200c", "\u200d", "\u2060"]


class Text:
    def __init__(self, rng, builtin=False):
        self.rng = rng
        self.real_en, self.real_other = ([], {}) if builtin else load_real_english()

    def sentence(self, lang):
        rng = self.rng
        if lang == "en" and self.real_en and rng.random() < 0.7:
            return rng.choice(self.real_en)
        if lang in self.real_other and self.real_other[lang] and rng.random() < 0.8:
            return rng.choice(self.real_other[lang])
        a, b, c = BANKS.get(lang, BANKS["en"])
        s = f"{rng.choice(a)} {rng.choice(b)} {rng.choice(c)}".strip()
        if rng.random() < 0.25:
            s += " " + rng.choice(EMOJI)
        return s

    def post(self, lang):
        rng = self.rng
        s = self.sentence(lang)
        if rng.random() < 0.15:
            s += " #" + rng.choice(TAGS.get(lang, TAGS["en"]))
        if rng.random() < 0.02:
            # Invisible characters inside a word, as pasted text carries them.
            i = rng.randrange(1, max(2, len(s) - 1))
            s = s[:i] + rng.choice(ZW) + s[i:]
        return s


HEAD_A = ["Officials", "Scientists", "Investors", "Residents", "Lawmakers", "Doctors", "Police", "Teachers", "Farmers",
          "Regulators", "Voters", "Engineers", "Economists", "Firefighters", "Students"]
HEAD_B = ["warn of", "celebrate", "question", "push back on", "brace for", "react to", "call for an inquiry into",
          "report progress on", "are divided over", "prepare for"]
HEAD_C = ["new flood defences", "the rail strike", "record heat in the south", "a surprise rate cut", "the stadium plan",
          "rising rents downtown", "the vaccine rollout", "the budget vote", "a data breach at the port authority",
          "the merger of two airlines", "the wildfire season", "a shortage of teachers", "the new tram line",
          "changes to the pension age", "the election recount", "a breakthrough battery design"]
HEAD_D = ["", "", " as talks stall", " after weekend of protests", " amid record demand", ", report says",
          " in northern districts", " before Friday deadline", ": what we know", " - live updates"]
OUTLETS = ["dailyherald.example.com", "morningpost.example.net", "citywire.example.org", "nationaltimes.example.com",
           "globalnews24.example.com", "thecourier.example.net", "metroreport.example.com", "eveningstar.example.org",
           "worldwatch.example.com", "newsline.example.net", "capitalgazette.example.com", "thesentinel.example.org"]


def headline(rng):
    return f"{rng.choice(HEAD_A)} {rng.choice(HEAD_B)} {rng.choice(HEAD_C)}{rng.choice(HEAD_D)}"


# ---------------------------------------------------------------------------------------
# World


def iso(t):
    return t.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class World:
    def __init__(self, args):
        self.rng = random.Random(args.seed)
        self.args = args
        self.days = args.days
        self.text = Text(self.rng, args.builtin_text)
        self.records = []
        self.labels = {}
        self.traps = {}
        self.n = 0
        self.accounts = []  # organic X users
        self.recent = []  # (time, post id, author, followers) for reposts and replies

    def new_id(self, platform):
        self.n += 1
        return f"{platform}:{self.n:07d}{self.rng.randrange(1000):03d}"

    def trap(self, account, name):
        self.traps.setdefault(account, set()).add(name)

    def label(self, account, operation, kind):
        self.labels[account] = (operation, kind)

    def add_account(self, acc):
        rec = {"kind": "account", "id": acc["id"], "platform": acc["id"].split(":")[0], "handle": acc.get("handle"),
               "followers": acc.get("followers", 0), "following": acc.get("following", 0)}
        if acc.get("created"):
            rec["created_at"] = iso(acc["created"])
        self.records.append({k: v for k, v in rec.items() if v is not None})

    def post(self, account, t, text, platform="x", **extra):
        pid = self.new_id(platform)
        rec = {"kind": "post", "id": pid, "account": account["id"] if isinstance(account, dict) else account,
               "platform": platform, "created_at": iso(t), "text": text}
        followers = account.get("followers", 10) if isinstance(account, dict) else 10
        views = int(max(1, followers * self.rng.lognormvariate(-1.0, 1.0)))
        likes = int(views * self.rng.betavariate(1, 60))
        rec["metrics"] = {"views": views, "likes": likes, "shares": int(likes * self.rng.random() * 0.3),
                          "comments": int(likes * self.rng.random() * 0.2)}
        rec.update({k: v for k, v in extra.items() if v is not None})
        self.records.append(rec)
        if platform == "x" and not extra.get("repost_of"):
            self.recent.append((t, pid, rec["account"], followers))
        return pid

    def message(self, conversation, account, t, text, platform="telegram"):
        mid = self.new_id(platform + "m")
        self.records.append({"kind": "message", "id": mid, "conversation": conversation, "account": account,
                             "platform": platform, "created_at": iso(t), "text": text})
        return mid

    def local_time(self, acc, day, hour_weights=None):
        rng = self.rng
        w = hour_weights or DIURNAL
        h = rng.choices(range(24), weights=w)[0]
        t = START + timedelta(days=day, hours=h - acc["tz"], seconds=rng.uniform(0, 3600))
        end = START + timedelta(days=self.days)
        if t < START:
            t += timedelta(days=1)
        if t >= end:
            t -= timedelta(days=1)
        return t


DIURNAL = [1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3, 3, 3, 3, 3.5, 3, 3, 3, 3, 3.5, 4, 4.5, 5, 4.5, 3.5, 2]


def make_people(w, count):
    rng = w.rng
    people = []
    for i in range(count):
        lang = rng.choice(LANGS)
        acc = {"id": f"x:{20_000_000 + i}{rng.randrange(10, 99)}", "lang": lang,
               "tz": {"en": rng.choice([-8, -5, 0, 1]), "es": rng.choice([-6, -3, 1]), "ar": 3, "ru": 3, "id": 7,
                      "zh": 8, "fr": 1, "hi": 5, "de": 1}[lang],
               "rate": min(40.0, rng.lognormvariate(0.0, 1.1)),
               "followers": int(rng.lognormvariate(5.0, 1.8)),
               "news": (rng.paretovariate(1.2) - 1) * (rng.random() < 0.7),
               "outlets": [rng.gammavariate(0.3, 1) + 1e-6 for _ in OUTLETS],
               "handle": None}
        acc["handle"] = f"{rng.choice(['sam', 'leyla', 'ivan', 'dewi', 'li', 'maria', 'omar', 'anna', 'raj', 'lucas'])}" \
                        f"{rng.choice(['_', '.', ''])}{rng.choice(['k', 'writes', 'daily', 'x', 'official', '88', 'jr', ''])}{rng.randrange(1000)}"
        acc["following"] = int(rng.lognormvariate(5.5, 1.0))
        acc["created"] = START - timedelta(days=rng.uniform(30, 4000))
        people.append(acc)
        w.add_account(acc)
        w.label(acc["id"], "organic", "organic")
    return people


def ordinary_lives(w, people):
    """Each person's own posts, reposts and replies over the days."""
    rng = w.rng
    for day in range(w.days):
        todays = []
        for acc in people:
            k = poisson(rng, acc["rate"])
            for _ in range(k):
                todays.append((w.local_time(acc, day), acc))
        todays.sort(key=lambda x: x[0])
        for t, acc in todays:
            r = rng.random()
            if r < 0.14 and w.recent:
                target = pick_recent(w, t)
                if target and target[2] != acc["id"]:
                    w.post(acc, t, "", repost_of=target[1])
                    continue
            if r < 0.24 and w.recent:
                target = pick_recent(w, t)
                if target and target[2] != acc["id"]:
                    w.post(acc, t, w.text.sentence(acc["lang"]), reply_to=target[1])
                    continue
            w.post(acc, t, w.text.post(acc["lang"]), lang=None)


def poisson(rng, lam):
    if lam <= 0:
        return 0
    L, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= L:
            return k
        k += 1


def pick_recent(w, t):
    # Among the last few hundred posts before t, weighted by the author's audience.
    rng = w.rng
    lo = max(0, len(w.recent) - 400)
    window = [x for x in w.recent[lo:] if x[0] <= t and (t - x[0]).total_seconds() < 6 * 3600]
    if not window:
        return None
    return rng.choices(window, weights=[math.sqrt(1 + x[3]) for x in window])[0]


def news(w, people, channels):
    """Outlets publish; readers share with the share button (headline and link) or their own words."""
    rng = w.rng
    per_day = int(80 * w.args.scale ** 0.5)
    readers = [p for p in people if p["news"] > 0]
    fans = []
    # Heavy readers of one outlet who share much of it every day.
    for acc in rng.sample(readers, min(len(readers), max(4, int(24 * w.args.scale)))):
        acc["fan_of"] = rng.randrange(len(OUTLETS))
        acc["news"] = max(acc["news"], 8.0)
        fans.append(acc)
        w.trap(acc["id"], "outlet_fan")
    for day in range(w.days):
        for a in range(per_day):
            o = rng.randrange(len(OUTLETS))
            published = START + timedelta(days=day, seconds=rng.uniform(5 * 3600, 23.5 * 3600))
            slug = "-".join(rng.choice(["city", "plan", "vote", "storm", "market", "talks", "rail", "school", "heat"])
                            for _ in range(3))
            url = f"https://{OUTLETS[o]}/{2026}/{day:02d}/{slug}-{a}"
            title = headline(rng)
            size = min(len(readers), int(rng.lognormvariate(1.8, 1.0)) + 2)
            weights = [p["news"] * p["outlets"][o] for p in readers]
            sharers = set()
            for _ in range(size * 3):
                if len(sharers) >= size:
                    break
                sharers.add(rng.choices(range(len(readers)), weights=weights)[0])
            for acc in fans:
                if acc["fan_of"] == o and rng.random() < 0.55:
                    sharers.add(readers.index(acc))
            for s in sharers:
                acc = readers[s]
                delay = rng.expovariate(1 / 180) if rng.random() < 0.7 else rng.lognormvariate(7.5, 1.0)
                t = published + timedelta(seconds=delay)
                if t >= START + timedelta(days=w.days):
                    continue
                u = url + (rng.choice(["", "", "?utm_source=twitter", "?utm_medium=social&utm_source=app"]))
                style = rng.random()
                if style < 0.55:
                    text = f"{title} {u}"
                elif style < 0.8:
                    text = f"{rng.choice(['Wow.', 'Read this:', 'Important:', 'Unbelievable', 'Finally!', 'Hmm'])} {title} {u}"
                else:
                    text = f"{w.text.sentence(acc['lang'])} {u}"
                w.post(acc, t, text, urls=None)
                w.trap(acc["id"], "news")
            for ch in channels:
                if ch["kind"] == "news" and o in ch["outlets"] and rng.random() < 0.8:
                    t = published + timedelta(seconds=rng.uniform(60, 900))
                    if t < START + timedelta(days=w.days):
                        w.post(ch, t, f"{title}\n{url}", platform="telegram")
                        w.trap(ch["id"], "news_channel")


def telegram_channels(w, count):
    rng = w.rng
    chans = []
    for i in range(count):
        kind = "news" if i % 2 == 0 else "life"
        ch = {"id": f"telegram:channel{i:03d}{rng.randrange(100)}", "kind": kind, "lang": rng.choice(LANGS),
              "tz": 3, "followers": int(rng.lognormvariate(8, 1.5)),
              "outlets": rng.sample(range(len(OUTLETS)), 3)}
        chans.append(ch)
        w.add_account(ch)
        w.label(ch["id"], "organic", "organic")
        if kind == "life":
            for day in range(w.days):
                for _ in range(poisson(rng, 4)):
                    w.post(ch, w.local_time(ch, day), w.text.post(ch["lang"]), platform="telegram")
    return chans


CHANTS = ["GOOOOL de Silva que golazo increíble", "GOAL GOAL GOAL what a strike from Silva",
          "يا سلام على هذا الهدف الرائع", "What a goal by Silva unbelievable scenes", "Vamos vamos vamos que golazo"]


def matches(w, people):
    rng = w.rng
    fans = rng.sample(people, min(len(people), int(300 * w.args.scale ** 0.5)))
    for day, goals in ((3, 3), (10, 5)):
        kick = START + timedelta(days=day, hours=19)
        for g in range(goals):
            at = kick + timedelta(minutes=rng.uniform(5, 95))
            for acc in fans:
                if rng.random() < 0.6:
                    chant = rng.choice(CHANTS)
                    if rng.random() < 0.3:
                        chant = chant.replace("GOOOOL", "GO" + "O" * rng.randrange(2, 9) + "L")
                    if rng.random() < 0.3:
                        chant += " " + rng.choice(EMOJI) * rng.randrange(1, 4)
                    w.post(acc, at + timedelta(seconds=rng.uniform(0, 50)), chant)
                    w.trap(acc["id"], "chant")
        for acc in fans:
            if rng.random() < 0.4:
                w.post(acc, kick + timedelta(minutes=rng.uniform(-30, 120)),
                       rng.choice(["Match day!", "Here we go", "Come on lads", "Vamos equipo"]) + " " + w.text.sentence(acc["lang"]))


GREETINGS = ["Good morning everyone have a blessed day", "Good morning my friends wishing you a wonderful day",
             "Selamat pagi semuanya semoga hari ini penuh berkah", "Selamat pagi kawan kawan semangat hari ini",
             "صباح الخير جميعا يوم سعيد للجميع", "صباح النور والسرور يا أحلى ناس",
             "Buenos días a todos que tengan un lindo día", "Доброе утро всем хорошего дня друзья",
             "Good morning all stay safe and be happy", "Happy Friday everyone enjoy your weekend"]


def greetings(w, people):
    rng = w.rng
    greeters = rng.sample(people, min(len(people), int(150 * w.args.scale)))
    for acc in greeters:
        mine = rng.sample(GREETINGS, 3)
        for day in range(w.days):
            if rng.random() < 0.7:
                t = START + timedelta(days=day, hours=rng.uniform(6, 9) - acc["tz"])
                w.post(acc, t, rng.choice(mine) + (" " + rng.choice(EMOJI) if rng.random() < 0.5 else ""))
        w.trap(acc["id"], "greeting")
    # Telegram groups: members greet every morning, then chat.
    groups = []
    for g in range(int(10 * w.args.scale) + 1):
        members = [f"telegram:{rng.randrange(10**8, 10**9)}" for _ in range(rng.randint(12, 40))]
        for m in members:
            w.add_account({"id": m, "followers": 0})
            w.label(m, "organic", "organic")
            w.trap(m, "greeting")
        conv = f"telegram:group{g}"
        for day in range(w.days):
            for m in members:
                if rng.random() < 0.5:
                    t = START + timedelta(days=day, hours=rng.uniform(5, 8), seconds=rng.uniform(0, 60))
                    w.message(conv, m, t, rng.choice(GREETINGS[:4] + GREETINGS[6:8]) + " " + rng.choice(EMOJI))
                if rng.random() < 0.3:
                    t = START + timedelta(days=day, hours=rng.uniform(9, 22))
                    w.message(conv, m, t, w.text.sentence(rng.choice(["id", "en", "ar"])))
        groups.append(members)
    return groups


COPYPASTAS = [
    "I am not a bot. I am a real person who is tired of being told what to think by people who have never worked a day "
    "in their lives. Share this if you agree and let them know we are watching every single thing they do",
    "Attention all residents: starting Monday the council will begin collecting personal data from every household "
    "through the new smart meters. Please copy and paste this message to warn your neighbours, do not just share",
    "Copy and paste this to your timeline if you remember when summers were long, phones were on the wall and we "
    "played outside until the streetlights came on. Those were the best days of our lives",
]


def copypasta(w, people):
    rng = w.rng
    for text in COPYPASTAS:
        start = START + timedelta(days=rng.uniform(1, w.days - 3))
        spreaders = rng.sample(people, min(len(people), int(rng.uniform(80, 200) * w.args.scale ** 0.5)))
        for acc in spreaders:
            t = start + timedelta(hours=rng.lognormvariate(2.2, 0.8))
            body = text if rng.random() < 0.7 else text.replace("every", "each").replace("Please ", "")
            w.post(acc, t, body)
            w.trap(acc["id"], "copypasta")


TRENDS = ["WorldBookDay", "MentalHealthAwareness", "ClimateStrike", "EurovisionFinal", "TechLaunch2026",
          "MothersDay", "StarWarsDay", "NationalPetDay", "EarthHour", "FridayFeeling", "GlobalRunningDay",
          "WorldBeeDay", "CincoDeMayo", "MetGala"]


def trends(w, people):
    rng = w.rng
    for day in range(w.days):
        tag = TRENDS[day % len(TRENDS)]
        peak = START + timedelta(days=day, hours=rng.uniform(10, 20))
        users = rng.sample(people, min(len(people), int(rng.uniform(200, 600) * w.args.scale ** 0.5)))
        for acc in users:
            t = peak + timedelta(minutes=rng.gauss(0, 70))
            w.post(acc, t, f"{w.text.sentence(acc['lang'])} #{tag}")
            w.trap(acc["id"], "trend")


def reply_storm(w, people):
    rng = w.rng
    for _ in range(2):
        star = max(rng.sample(people, 50), key=lambda p: p["followers"])
        t0 = START + timedelta(days=rng.uniform(1, w.days - 1))
        viral = w.post(star, t0, "Unpopular opinion: working from home made everyone more productive and nobody wants to admit it")
        for acc in rng.sample(people, min(len(people), int(300 * w.args.scale ** 0.5))):
            t = t0 + timedelta(seconds=rng.expovariate(1 / 600))
            text = rng.choice(["So true", "This is so true", "Absolutely agree with this", "Hard disagree",
                               "Completely wrong take", "This is so true honestly", w.text.sentence(acc["lang"])])
            w.post(acc, t, text, reply_to=viral)
            w.trap(acc["id"], "reply_storm")


def friends(w, people):
    rng = w.rng
    pool = rng.sample(people, min(len(people), int(220 * w.args.scale)))
    groups = [pool[i:i + rng.randint(4, 7)] for i in range(0, len(pool), 6)]
    for g in groups:
        for acc in g:
            w.trap(acc["id"], "friends")
        for day in range(w.days):
            for author in g:
                if rng.random() < 0.6:
                    t = w.local_time(author, day)
                    pid = w.post(author, t, w.text.post(author["lang"]))
                    for other in g:
                        if other is not author and rng.random() < 0.55:
                            dt = timedelta(minutes=rng.lognormvariate(3.0, 1.2))
                            if rng.random() < 0.7:
                                w.post(other, t + dt, "", repost_of=pid)
                            else:
                                w.post(other, t + dt, rng.choice(["haha yes", "so true", "miss you guys", "lol",
                                                                  "omg this", w.text.sentence(other["lang"])]), reply_to=pid)


PETS = ["Luna", "Milo", "Bella", "Oscar", "Coco", "Max", "Nala", "Simba", "Daisy", "Leo"]
BREEDS = ["tabby cat", "beagle mix", "black lab", "calico kitten", "terrier mix", "grey rabbit", "husky pup"]
TRAITS = ["loves cuddles and sunny windowsills", "gets along with kids and other pets", "is fully vaccinated and microchipped",
          "adores long walks and belly rubs", "is shy at first but very sweet", "is house-trained and calm indoors"]
BAKES = ["cinnamon rolls", "sourdough loaves", "croissants", "banana bread", "lemon tarts", "bagels"]


def ai_text(rng, topic, name):
    if topic == "pet":
        return (f"🐾 Meet {rng.choice(PETS)}! This sweet {rng.randint(1, 6)}-year-old {rng.choice(BREEDS)} is looking for a "
                f"forever home. {rng.choice(PETS)} {rng.choice(TRAITS)}. Adopt, don't shop - message us today to arrange a "
                f"visit! #AdoptDontShop")
    if topic == "bakery":
        return (f"Fresh from our oven this morning: warm {rng.choice(BAKES)} and {rng.choice(BAKES)}! Stop by {name} before "
                f"noon and get 10% off your first order. We can't wait to see you! 🥐")
    return (f"We're hiring! {name} is looking for a friendly, reliable {rng.choice(['barista', 'cashier', 'driver', 'cook'])} "
            f"to join our growing team. Flexible hours, great people and free coffee. Send us a message to apply today!")


def ai_users(w, people):
    """People who ask a model to write their posts and post them from their own account."""
    rng = w.rng
    users = rng.sample(people, min(len(people), int(60 * w.args.scale)))
    office_ip = "203.0.113.17"
    vpn = ["198.51.100.%d" % i for i in range(3)]
    for i, acc in enumerate(users):
        ai = f"ai:org-{500 + i}/user-1"
        w.add_account({"id": ai, "followers": 0})
        w.label(ai, "organic", "organic")
        w.trap(ai, "ai_user")
        w.trap(acc["id"], "ai_user")
        topic = rng.choice(["pet", "bakery", "job"])
        name = f"{rng.choice(['Sunny', 'Rosa', 'Golden', 'Corner', 'Maple'])} {rng.choice(['Bakery', 'Cafe', 'Kitchen', 'Shelter'])}"
        ip = office_ip if i < 10 else (rng.choice(vpn) if i < 35 else f"192.0.2.{i}")
        for _ in range(rng.randint(2, 5)):
            day = rng.randrange(w.days)
            t = START + timedelta(days=day, hours=rng.uniform(8, 18) - acc["tz"])
            outputs = [ai_text(rng, topic, name) for _ in range(rng.randint(1, 2))]
            w.records.append({"kind": "generation", "id": w.new_id("gen"), "account": ai, "created_at": iso(t),
                              "prompt": f"Write a short friendly social media post for {name} about {topic}",
                              "outputs": outputs, "model": "gpt-x", "ip": ip, "device": f"dev-{i}"})
            w.post(acc, t + timedelta(minutes=rng.uniform(2, 300)), outputs[0])


def couples_and_shops(w):
    rng = w.rng
    for c in range(int(30 * w.args.scale) + 2):
        a, b = f"telegram:{rng.randrange(10**9, 10**10)}", f"telegram:{rng.randrange(10**9, 10**10)}"
        for m in (a, b):
            w.add_account({"id": m, "followers": 0})
            w.label(m, "organic", "organic")
            w.trap(m, "couple")
        conv = f"telegram:dm{c}"
        t = START + timedelta(days=rng.uniform(0, w.days - 2))
        wallet = f"0812{rng.randrange(10**7, 10**8)}"
        for _ in range(rng.randint(8, 30)):
            t += timedelta(minutes=rng.lognormvariate(4, 1.5))
            who = rng.choice([a, b])
            r = rng.random()
            if r < 0.12:
                text = rng.choice([f"sayang bisa transfer 100rb ke OVO aku {wallet}? nanti aku ganti ya",
                                   f"babe can you send me 40 for groceries, my dana is {wallet}",
                                   f"kirim 50rb dulu ya ke {wallet} buat bensin, makasih sayang"])
            elif r < 0.2:
                text = rng.choice(["udah aku transfer ya", "sent it, love you", "oke nanti sore aku kirim"])
            else:
                text = rng.choice(["lagi apa sayang", "aku kangen kamu", "nanti makan malam di mana?", "miss you",
                                   "jangan lupa makan ya", "how was work?", "haha iya", "oke see you tonight"])
            w.message(conv, who, t, text)
    for s in range(int(5 * w.args.scale) + 1):
        shop = rng.choice(["Toko Kue Melati", "Warung Sari Rasa", "Batik Indah", "Kopi Kenangan Kita", "Roti Mama"])
        staff = [f"telegram:{rng.randrange(10**9, 10**10)}" for _ in range(rng.randint(2, 3))]
        bank = f"BCA {rng.randrange(10**9, 10**10)}"
        for m in staff:
            w.add_account({"id": m, "followers": 0})
            w.label(m, "organic", "organic")
            w.trap(m, "shop")
        for c in range(rng.randint(10, 25)):
            cust = f"telegram:{rng.randrange(10**9, 10**10)}"
            w.add_account({"id": cust, "followers": 0})
            w.label(cust, "organic", "organic")
            w.trap(cust, "shop")
            conv = f"telegram:shop{s}-{c}"
            member = rng.choice(staff)
            t = START + timedelta(days=rng.uniform(0, w.days - 1))
            w.message(conv, cust, t, rng.choice(["Halo kak, masih ada stok?", "Permisi, mau pesan 2 ya",
                                                   "kak bisa kirim ke Bekasi?"]))
            t += timedelta(minutes=rng.uniform(1, 60))
            w.message(conv, member, t, "Halo kak, masih ada ya. Mau pesan berapa?")
            t += timedelta(minutes=rng.uniform(1, 30))
            w.message(conv, cust, t, rng.choice(["2 ya kak", "satu aja", "3 kak"]))
            t += timedelta(minutes=rng.uniform(1, 30))
            w.message(conv, member, t, f"Totalnya Rp {rng.choice([75, 120, 150, 240])}.000 ya kak. Silakan transfer ke "
                                       f"{bank} a.n. {shop}. Terima kasih!")
            if rng.random() < 0.8:
                t += timedelta(minutes=rng.uniform(5, 120))
                w.message(conv, cust, t, "Sudah transfer ya kak")


# ---------------------------------------------------------------------------------------
# Operations


CLAIMS = ["the new border deal will cost every family 2,000 a year", "the ministry hid the real inflation numbers",
          "foreign money is buying up our farmland", "the vaccine contracts were signed in secret",
          "the election commission ignored thousands of complaints", "our pensions are being moved to pay for the war",
          "the port sale was a gift to their friends", "the media will not report the truth about the protests",
          "the energy price cap is a lie", "the army is preparing to leave the east undefended",
          "the opposition leader is funded from abroad", "they plan to ban cash by next year"]
INTROS = ["Nobody is talking about this:", "They don't want you to know that", "Share before it gets deleted:",
          "Wake up people,", "It is now confirmed that", "Ask yourself why", "Fact:", "The truth is out:"]
OUTROS = ["Share this!", "Don't stay silent.", "Retweet if you agree.", "Do your own research.", "We won't forget.",
          "Spread the word.", "Enough is enough."]


def op_accounts(w, name, kind, count, platform="x", fresh=True):
    rng = w.rng
    base = rng.choice(["patriot", "truth", "voice", "citizen", "freedom", "news"])
    accs = []
    created = START - timedelta(days=rng.uniform(20, 60))
    for i in range(count):
        acc = {"id": f"{platform}:{rng.randrange(10**9, 10**10)}", "lang": "en", "tz": 3,
               "followers": int(rng.lognormvariate(4, 1.2)), "following": int(rng.lognormvariate(6, 0.5)),
               "handle": f"{base}_{rng.choice(['anna', 'mike', 'olga', 'john', 'kate', 'alex'])}{rng.randrange(100, 999)}",
               "created": created + timedelta(hours=rng.uniform(0, 48)) if fresh else START - timedelta(days=rng.uniform(100, 3000)),
               "rate": 1.0}
        w.add_account(acc)
        w.label(acc["id"], name, kind)
        accs.append(acc)
    return accs


def cover_posts(w, accs, rate=1.5):
    """Operation members' ordinary-looking posts."""
    rng = w.rng
    for acc in accs:
        for day in range(w.days):
            for _ in range(poisson(rng, rate)):
                w.post(acc, w.local_time(acc, day), w.text.post("en"))


def ring(w):
    """Copy-paste ring: a new text each burst posted identically by 4-12 members within 40
    minutes; the three leads' posts reposted by members within 30 minutes."""
    rng = w.rng
    accs = op_accounts(w, "ring-1", "influence", 26)
    leads, members = accs[:3], accs[3:]
    cover_posts(w, accs, 1.0)
    ring_posts = []
    for day in range(w.days):
        for _ in range(rng.randint(2, 4)):
            text = f"{rng.choice(INTROS)} {rng.choice(CLAIMS)}. {rng.choice(OUTROS)}"
            if rng.random() < 0.5:
                text += f" #{rng.choice(['StopTheLies', 'WakeUpNow', 'TruthMatters', 'NoMoreSecrets'])}"
            if rng.random() < 0.4:
                text += f" https://real-truth-news.example.info/a/{rng.randrange(10**6)}"
            t0 = START + timedelta(days=day, hours=rng.uniform(7, 22))
            for acc in rng.sample(accs, rng.randint(4, 12)):
                ring_posts.append(w.post(acc, t0 + timedelta(minutes=rng.uniform(0, 40)), text))
        for lead in leads:
            for _ in range(rng.randint(1, 2)):
                t0 = START + timedelta(days=day, hours=rng.uniform(7, 22))
                pid = w.post(lead, t0, f"{rng.choice(INTROS)} {rng.choice(CLAIMS)}. {rng.choice(OUTROS)}")
                ring_posts.append(pid)
                for acc in rng.sample(members, rng.randint(5, 15)):
                    w.post(acc, t0 + timedelta(minutes=rng.uniform(1, 30)), "", repost_of=pid)
    return ring_posts


AIOP_LANGS = ["en", "es", "fr", "ar"]
AIOP_TOPICS = ["the dam project", "the mining deal", "the new trade corridor", "the president's visit"]


def aiop_output(rng, lang, topic):
    if lang == "en":
        return rng.choice([
            f"As a mother of two I worry about {topic}. Who benefits? Certainly not families like mine.",
            f"Honest question: why was {topic} rushed through without asking the people who live there?",
            f"My cousin works near {topic} and says the locals were never consulted. Shameful.",
            f"Retired teacher here. I have seen many promises, but {topic} looks like the worst deal yet.",
            f"Small business owner: {topic} will raise our costs again while the big firms get richer.",
        ]) + rng.choice(["", " Think about it.", " #" + topic.split()[-1].capitalize(), " Enough."])
    if lang == "es":
        return rng.choice([f"Como madre me preocupa {topic}. ¿Quién gana con esto? Nosotros no.",
                           f"¿Por qué nadie preguntó a los vecinos sobre {topic}? Vergüenza.",
                           f"Soy maestra jubilada y {topic} es el peor acuerdo que he visto."])
    if lang == "fr":
        return rng.choice([f"En tant que mère, {topic} m'inquiète. À qui profite ce projet ?",
                           f"Pourquoi personne n'a consulté les habitants sur {topic} ? Honteux.",
                           f"Petite entreprise ici : {topic} va encore augmenter nos coûts."])
    return rng.choice([f"كأم أشعر بالقلق من {topic}. من المستفيد؟ ليس نحن بالتأكيد",
                       f"لماذا لم يسأل أحد سكان المنطقة عن {topic}؟ عار",
                       f"معلمة متقاعدة هنا و{topic} أسوأ صفقة رأيتها"])


def ai_op(w):
    rng = w.rng
    accs = op_accounts(w, "ai-op-1", "influence", 14)
    accs[0]["followers"] = 600_000
    w.records = [r for r in w.records if not (r.get("kind") == "account" and r["id"] == accs[0]["id"])]
    w.add_account(accs[0])
    operators = ["ai:org-77/user-1", "ai:org-77/user-2"]
    for op in operators:
        w.add_account({"id": op, "followers": 0})
        w.label(op, "ai-op-1", "influence")
    cover_posts(w, accs, 0.8)
    topic = rng.choice(AIOP_TOPICS)
    for session in range(rng.randint(5, 8)):
        day = rng.randrange(w.days)
        t = START + timedelta(days=day, hours=rng.uniform(6, 20))
        outputs = []
        seen = set()
        while len(outputs) < rng.randint(6, 9):
            lang = rng.choice(AIOP_LANGS)
            o = aiop_output(rng, lang, topic)
            if o not in seen:
                seen.add(o)
                outputs.append(o)
        op = operators[0]
        w.records.append({"kind": "generation", "id": w.new_id("gen"), "account": op, "created_at": iso(t),
                          "prompt": f"Write {len(outputs)} short posts about {topic} from different people: a mother, a "
                                    f"teacher, a business owner. Vary the languages. Make them sound authentic.",
                          "outputs": outputs, "model": "gpt-x", "ip": "45.61.10.2", "device": "dev-op-77",
                          "payment": "card-77-1"})
        posters = rng.sample(accs, len(outputs))
        for o, acc in zip(outputs, posters):
            text = o
            r = rng.random()
            if r < 0.2:
                text = o.replace("e", "е", 2)  # Cyrillic e
            elif r < 0.35:
                text = o + " " + rng.choice(EMOJI)
            elif r < 0.45:
                text = "BREAKING: " + o
            w.post(acc, t + timedelta(minutes=rng.uniform(10, 60)), text)
    # The second operator account on the same device and card writes drafts nobody posts.
    for _ in range(3):
        t = START + timedelta(days=rng.uniform(0, w.days))
        w.records.append({"kind": "generation", "id": w.new_id("gen"), "account": operators[1], "created_at": iso(t),
                          "prompt": f"Draft a few posts criticising {topic}", "outputs": [aiop_output(rng, "en", topic)],
                          "model": "gpt-x", "ip": "45.61.10.2", "device": "dev-op-77", "payment": "card-77-1"})
    return accs


def tag_op(w):
    rng = w.rng
    accs = op_accounts(w, "tag-op-1", "influence", 18, fresh=False)
    cover_posts(w, accs, 1.2)
    tags = ["FreeTheValley", "ValleyVoices"]
    for day in range(w.days):
        for _ in range(rng.randint(1, 3)):
            t0 = START + timedelta(days=day, hours=rng.uniform(8, 22))
            link = f"https://valley-voices.example.org/p/{rng.randrange(10**5)}"
            for acc in rng.sample(accs, rng.randint(5, 12)):
                text = f"{w.text.sentence('en')} #{tags[0]}" + (f" #{tags[1]}" if rng.random() < 0.5 else "")
                if rng.random() < 0.6:
                    text += " " + link
                w.post(acc, t0 + timedelta(minutes=rng.uniform(0, rng.choice([10, 30, 60]))), text)
    return accs


def rt_op(w, people):
    rng = w.rng
    accs = op_accounts(w, "rt-op-1", "spam", 30)
    cover_posts(w, accs, 0.7)
    # Amplified: posts of a few chosen organic accounts and some of its own.
    chosen = rng.sample(people, 4)
    for day in range(w.days):
        for _ in range(rng.randint(3, 6)):
            src = rng.choice(chosen)
            t0 = w.local_time(src, day)
            pid = w.post(src, t0, w.text.post(src["lang"]))
            for acc in rng.sample(accs, rng.randint(8, 20)):
                w.post(acc, t0 + timedelta(minutes=rng.uniform(2, 20)), "", repost_of=pid)
    return accs


SCAM_OPEN = ["Halo kak, salam kenal ya 😊 aku {n} dari {c}", "Hai kak, maaf ganggu, aku {n}, boleh kenalan?",
             "Halo, aku {n} dari {c}. Lihat profil kakak kayaknya orangnya baik 😊"]
SCAM_SMALL = ["Lagi sibuk apa kak hari ini?", "Kakak kerja di mana?", "Udah makan belum kak?", "Aku lagi santai di rumah nih"]
SCAM_LOVE = ["Entah kenapa aku nyaman banget ngobrol sama kamu", "Aku kangen kamu sayang, kamu perhatian banget",
             "Kamu orang paling spesial yang aku kenal di sini ❤️"]
SCAM_PITCH = ["Aku ada investasi crypto dari pamanku, profit 30% per minggu, aman banget",
              "Sayang, aku mau ajak kamu ikut trading emas, aku sendiri udah untung banyak"]
SCAM_ASK = ["Untuk mulai cukup deposit Rp {a} dulu ke DANA {w} ya sayang", "Transfer Rp {a} ke {w} biar akunnya aktif ya",
            "Biar profitnya bisa ditarik, perlu biaya verifikasi Rp {a} ke {w}"]


def scam_op(w):
    rng = w.rng
    chat = op_accounts(w, "scam-1", "scam", 6, platform="telegram")
    ads = op_accounts(w, "scam-1", "scam", 3, platform="facebook")
    ai = "ai:org-88/user-1"
    w.add_account({"id": ai, "followers": 0})
    w.label(ai, "scam-1", "scam")
    wallets = [f"0813{rng.randrange(10**7, 10**8)}", f"0857{rng.randrange(10**7, 10**8)}", "BNI 0123456789"]
    handles = [c["handle"] for c in chat]
    w.records.append({"kind": "generation", "id": w.new_id("gen"), "account": ai,
                      "created_at": iso(START - timedelta(days=2)),
                      "prompt": "Tulis pesan perkenalan ramah untuk kenalan baru di Telegram, beberapa variasi",
                      "outputs": [s.format(n="Rina", c="Bandung") for s in SCAM_OPEN], "model": "gpt-x"})
    for day in range(w.days):
        for ad in ads:
            if rng.random() < 0.5:
                h = rng.choice(handles)
                w.post(ad, START + timedelta(days=day, hours=rng.uniform(8, 20)),
                       f"Cari teman ngobrol dan peluang cuan? Chat aku di Telegram @{h} atau kunjungi "
                       f"https://cuan-bareng.example.id/join", platform="facebook", is_ad=True)
    for acc in chat:
        name = rng.choice(["Rina", "Sari", "Dewi", "Maya", "Lina"])
        for k in range(rng.randint(12, 20)):
            target = f"telegram:{rng.randrange(10**9, 10**10)}"
            w.add_account({"id": target, "followers": 0})
            w.label(target, "organic", "organic")
            w.trap(target, "scam_target")
            conv = f"telegram:scam-{acc['id'][9:]}-{k}"
            t = START + timedelta(days=rng.uniform(0, w.days - 4), hours=rng.uniform(0, 12))
            if rng.random() < 0.3:
                w.message(conv, target, t, "Halo, aku lihat iklannya, boleh kenalan?")
                t += timedelta(minutes=rng.uniform(2, 30))
            w.message(conv, acc["id"], t, rng.choice(SCAM_OPEN).format(n=name, c=rng.choice(["Bandung", "Solo", "Medan"])))
            stage = 0
            for step in range(rng.randint(6, 18)):
                t += timedelta(minutes=rng.lognormvariate(4.5, 1.2))
                if rng.random() < 0.5:
                    w.message(conv, target, t, rng.choice(["iya kak", "haha", "aku kerja di toko", "belum nih", "serius?",
                                                           "boleh juga", "hmm aku pikir dulu ya"]))
                    continue
                if step > 2 and stage < 1:
                    stage = 1
                if step > 5 and stage < 2 and rng.random() < 0.6:
                    stage = 2
                if step > 7 and stage >= 2 and rng.random() < 0.5:
                    stage = 3
                if stage == 0:
                    text = rng.choice(SCAM_SMALL)
                elif stage == 1:
                    text = rng.choice(SCAM_LOVE)
                elif stage == 2:
                    text = rng.choice(SCAM_PITCH)
                else:
                    amount = rng.choice(["500.000", "1.500.000", "3.000.000"])
                    text = rng.choice(SCAM_ASK).format(a=amount, w=rng.choice(wallets))
                    if rng.random() < 0.5:
                        t2 = t + timedelta(minutes=rng.uniform(5, 120))
                        w.message(conv, target, t2, rng.choice(["oke udah aku transfer", "kok harus bayar lagi?",
                                                                "aku gak punya uang segitu"]))
                w.message(conv, acc["id"], t, text)
    return chat + ads


def fact_checkers(w, people, op_posts):
    rng = w.rng
    checkers = rng.sample(people, 5)
    by_id = {r["id"]: r for r in w.records if r.get("kind") == "post"}
    for pid in rng.sample(op_posts, min(len(op_posts), 25)):
        src = by_id.get(pid)
        if not src or not src["text"]:
            continue
        acc = rng.choice(checkers)
        t = datetime.fromisoformat(src["created_at"].replace("Z", "+00:00")) + timedelta(hours=rng.uniform(2, 30))
        if t >= START + timedelta(days=w.days):
            continue
        w.post(acc, t, f'FALSE. This claim is circulating: "{src["text"]}" There is no evidence for it. Here is what the '
                       f'records actually show.', quote_of=pid)
        w.trap(acc["id"], "fact_checker")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--days", type=int, default=14)
    ap.add_argument("--builtin-text", action="store_true", help="never read ../shared/data")
    ap.add_argument("--gzip", action="store_true", help="write records.jsonl.gz")
    args = ap.parse_args()
    w = World(args)
    people = make_people(w, int(1700 * args.scale))
    channels = telegram_channels(w, int(40 * args.scale ** 0.5))
    ordinary_lives(w, people)
    friends(w, people)
    news(w, people, channels)
    matches(w, people)
    greetings(w, people)
    copypasta(w, people)
    trends(w, people)
    reply_storm(w, people)
    ai_users(w, people)
    couples_and_shops(w)
    ring_posts = ring(w)
    ai_op(w)
    tag_op(w)
    rt_op(w, people)
    scam_op(w)
    fact_checkers(w, people, ring_posts)
    os.makedirs(args.out, exist_ok=True)
    recs = w.records
    w.rng.shuffle(recs)
    import gzip
    path = os.path.join(args.out, "records.jsonl" + (".gz" if args.gzip else ""))
    opener = (lambda p: gzip.open(p, "wt", encoding="utf-8", compresslevel=9)) if args.gzip else (lambda p: open(p, "w", encoding="utf-8"))
    with opener(path) as f:
        for r in recs:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    counts = {}
    with open(os.path.join(args.out, "labels.jsonl"), "w", encoding="utf-8") as f:
        for account, (operation, kind) in sorted(w.labels.items()):
            lab = {"kind": "label", "account": account, "operation": operation, "type": kind}
            traps = sorted(w.traps.get(account, ()))
            if traps and operation == "organic":
                lab["trap"] = traps[0]
                lab["traps"] = traps
            counts[operation] = counts.get(operation, 0) + 1
            f.write(json.dumps(lab, ensure_ascii=False) + "\n")
    kinds = {}
    for r in recs:
        kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
    print(f"scenario: {len(recs)} records {kinds}; accounts {counts}")


if __name__ == "__main__":
    main()
