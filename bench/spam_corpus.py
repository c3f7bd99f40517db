"""A labelled corpus of blog comments, written here from our own words: five sources.

Each source is one blog (a neurology research blog, a cycling club, a home cook, an
astronomy society, a programming diary) with its readers' comments and the spam that
blogs like it get: link-dropping praise, pharmacy, money-making, essay and loan offers,
"spell casters", fake followers. Campaigns are shared between sources only in part and
every source has its own spam domains, so training on four and testing on the fifth
meets unseen spam, as a new post does. Hard cases on both sides are deliberate: short
generic praise from real readers, readers who link to journals, spam without a link.

Deterministic for a seed. ``python -m bench.spam_corpus FILE.csv`` writes it as CSV
(source, name, text, label) for ``evaluate_spam_filter``.
"""

import csv
import random
import sys
from dataclasses import dataclass

SOURCES = ["neurology", "cycling", "cooking", "astronomy", "programming"]


@dataclass(frozen=True)
class Item:
    source: str
    name: str
    text: str
    is_spam: bool


TOPICS = {
    "neurology": {
        "things": [
            "the relapse rate",
            "ocrelizumab",
            "the MRI lesion count",
            "the trial design",
            "vitamin D levels",
            "EBV",
            "the placebo arm",
            "fatigue scores",
            "the neurologist's advice",
            "cladribine",
            "walking speed",
            "the NHS criteria",
            "my infusion",
            "the disability scale",
            "brain atrophy",
            "remyelination",
        ],
        "people": ["my neurologist", "the MS nurse", "my GP", "the trial team", "my husband"],
        "links": [
            "pubmed.ncbi.nlm.nih.gov/31234567",
            "www.nice.org.uk/guidance/ta533",
            "www.ema.europa.eu/en/medicines",
            "mssociety.org.uk/research",
            "clinicaltrials.gov/study/NCT0123",
            "www.nejm.org/doi/full/10.1056/x",
        ],
    },
    "cycling": {
        "things": [
            "the Sunday ride",
            "the climb out of the valley",
            "tubeless tyres",
            "the new route",
            "gear ratios",
            "the club jersey",
            "chain wax",
            "the headwind on the coast road",
            "disc brakes",
            "the cafe stop",
            "saddle height",
            "the sportive",
            "winter training",
            "the puncture kit",
        ],
        "people": ["our ride leader", "my partner", "the mechanic", "the new members"],
        "links": [
            "www.strava.com/routes/3141",
            "www.sheldonbrown.com/gears",
            "www.britishcycling.org.uk/events",
            "www.komoot.com/tour/998",
        ],
    },
    "cooking": {
        "things": [
            "the sourdough starter",
            "this lentil soup",
            "the oven temperature",
            "brown butter",
            "the resting time",
            "a cast iron pan",
            "the spice mix",
            "the custard",
            "fresh yeast",
            "the pastry",
            "smoked paprika",
            "the gluten free version",
            "the marinade",
            "the stock",
        ],
        "people": ["my kids", "my mother", "our guests", "my flatmate"],
        "links": [
            "www.seriouseats.com/the-food-lab",
            "en.wikipedia.org/wiki/Maillard_reaction",
            "www.bbc.co.uk/food/recipes",
            "www.kingarthurbaking.com/learn",
        ],
    },
    "astronomy": {
        "things": [
            "the Perseids",
            "the Dobsonian",
            "light pollution",
            "Jupiter's moons",
            "the eclipse",
            "the star party",
            "collimation",
            "the Orion nebula",
            "the new eyepiece",
            "seeing conditions",
            "the dark site",
            "Saturn's rings",
            "stacking the images",
            "the comet",
        ],
        "people": ["my daughter", "the club secretary", "our observing group", "a neighbour"],
        "links": [
            "www.heavens-above.com",
            "apod.nasa.gov/apod/ap240101.html",
            "www.cloudynights.com/topic/12",
            "arxiv.org/abs/2401.01234",
        ],
    },
    "programming": {
        "things": [
            "the borrow checker",
            "this migration",
            "the race condition",
            "connection pooling",
            "the flaky test",
            "type hints",
            "the query plan",
            "the cache invalidation",
            "async views",
            "the release notes",
            "the index on that column",
            "property based tests",
            "the refactor",
            "the memory leak",
        ],
        "people": ["my team", "a colleague", "our reviewer", "the maintainers"],
        "links": [
            "github.com/django/django/pull/17000",
            "docs.python.org/3/library/asyncio.html",
            "www.postgresql.org/docs/current/indexes.html",
            "news.ycombinator.com/item?id=1",
        ],
    },
}

FIRST_NAMES = ["Ruth", "Tom", "Aisha", "Marek", "Sofia", "James", "Priya", "Ewan", "Li",
               "Grace", "Olu", "Hannah", "Pete", "Ines", "Dev", "Maggie", "Sam", "Yusuf",
               "Clare", "Niamh", "Ben", "Rosa", "Kofi", "Anna"]  # fmt: skip
LEGIT_OPENERS = ["", "", "Interesting. ", "Thanks for this. ", "Hmm, ", "Good point. ",
                 "I disagree a bit. ", "Quick question: ", "Re the last paragraph: ",
                 "Same here. ", "Agree with the comment above. ", "Late to this, but "]  # fmt: skip
LEGIT_BODIES = [
    "Has anyone tried {thing} with {thing2}? {people} thought it was worth a go.",
    "I wonder whether {thing} explains what we saw last month.",
    "We changed {thing} after reading this and it made a real difference.",
    "Could you say more about {thing}? I'm not sure I follow the second point.",
    "{people} said the same about {thing}, so I'm glad to see it written down.",
    "My experience with {thing} was the opposite, to be honest. It took months.",
    "The bit about {thing} surprised me. Is there a source for it?",
    "I tried {thing} last week. Not convinced yet, but {thing2} was better than expected.",
    "Does this still hold for {thing}? Things may have changed since then.",
    "Thank you for explaining {thing} so clearly. I'll share it with {people}.",
    "Is {thing} really the main factor? I'd have guessed {thing2}.",
    "Slightly off topic, but what do you think about {thing}?",
    "I've been doing this for years and {thing} still catches me out.",
    "There's a good write-up of {thing} here: {link}",
    "For anyone reading later: {link} explains {thing} better than I can.",
    "I wrote up how {thing} went for us on my own blog, if it helps: {own}",
    "We're running a free session on {thing} next month, details at {own}",
    "Source for the claim about {thing}: {link} (see the second table).",
]
LEGIT_SHORT = ["Thanks, very helpful.", "Great post, thank you!", "Well said.",
               "Following this thread.", "Really useful, thanks for writing it up.",
               "Love this.", "Brilliant, thanks!", "Nice one.",
               "Great article, thanks for sharing.",
               "Very informative post.", "This is exactly what I needed today.",
               "Keep up the good work!"]  # fmt: skip

SPAM_TLDS = ["xyz", "top", "online", "shop", "club", "ru", "info", "biz", "site", "com", "net"]
SPAM_WORDS = ["best", "cheap", "fast", "pro", "deal", "smart", "easy", "top", "mega", "rapid",
              "global", "prime", "star", "gold", "quick", "ultra"]  # fmt: skip


def _domain(rng: random.Random, stem: str) -> str:
    return f"{rng.choice(SPAM_WORDS)}{stem}{rng.randint(1, 99)}.{rng.choice(SPAM_TLDS)}"


CAMPAIGNS = {
    "praise_link": (
        [
            "Great article! I have bookmarked your site. Visit my page too: {url}",
            "Very nice post. I just stumbled upon your blog and wanted to say that I have really "
            "enjoyed browsing your posts. Check out {url}",
            "Wow, this paragraph is pleasant, my sister is analyzing such things, thus I am going "
            "to let know her. {url}",
            "I am regular visitor, how are you everybody? This article posted at this website is "
            "really good. {url}",
            "Hello there! This post could not be written any better! Reading this post reminds me "
            "of my previous room mate. {url}",
            "Its like you read my mind! You appear to know so much about this. {url}",
        ],
        "seo",
        ["SEO Services", "Link Builder", "Best SEO Agency", "digital marketing"],
    ),
    "pharma": (
        [
            "Buy {drug} online without prescription, lowest prices, discreet shipping {url}",
            "Cheap {drug} {dose} tablets, overnight delivery, no doctor needed {url}",
            "Order generic {drug} here and save 80%: {url}",
            "{drug} for sale, best quality, worldwide shipping, bitcoin accepted. {url}",
        ],
        "pills",
        ["Online Pharmacy", "buy {drug}", "RxStore", "Canadian Pharmacy"],
    ),
    "money": (
        [
            "I earn $5000 a week working from home, it's easy! Just go to {url} and start today",
            "My neighbour made $18,000 last month with this simple method, see {url}",
            "Are you tired of your job? Start earning real money online from day one: {url}",
            "Make money fast online, no experience needed, join thousands at {url}",
        ],
        "income",
        ["Work From Home", "Jenny Smith", "Easy Income", "online jobs"],
    ),
    "crypto": (
        [
            "I invested in bitcoin with the help of a trading expert and now earn weekly profits. "
            "Contact them on WhatsApp +1 555 0{n} or {url}",
            "Best crypto trading signals, 300% returns guaranteed, join our telegram {url}",
            "I lost my funds to a fake broker until a recovery expert got my bitcoin back. "
            "Email recoverypro{n}@gmail.com",
            "Double your BTC in 24 hours, limited offer, visit {url}",
        ],
        "coin",
        ["Crypto Expert", "Bitcoin Mentor", "Investment Advisor", "Trader Anna"],
    ),
    "essay": (
        [
            "Need help with your assignment? Professional essay writing service, plagiarism "
            "free, deadline guaranteed: {url}",
            "Write my essay cheap! Top quality dissertations from native writers {url}",
            "Students, get your homework done by experts. Use code SAVE20 at {url}",
        ],
        "essays",
        ["Essay Writer", "Assignment Help", "Homework Expert", "write my essay"],
    ),
    "loans": (
        [
            "Get a personal loan today with bad credit, instant approval, no checks {url}",
            "Payday loans up to $1000 deposited in one hour, apply now: {url}",
            "Are you in need of a loan? We offer loans at 2% interest rate. Contact us via email "
            "loanfirm{n}@outlook.com",
        ],
        "loans",
        ["Loan Offer", "Quick Cash", "Mr David Finance", "Credit Solutions"],
    ),
    "spellcaster": (
        [
            "My husband left me and I was heartbroken until Dr Okuta cast a love spell for me. "
            "He came back in 48 hours! Contact him on drokuta{n}spell@gmail.com",
            "I want to thank the great spell caster who cured my herpes with herbal medicine. "
            "WhatsApp him now +234 80{n}",
            "If you need your ex back contact the powerful spell temple today {url}",
        ],
        "spell",
        ["Maria Wood", "Testimony", "Grateful Wife", "Dr Okuta"],
    ),
    "followers": (
        [
            "Buy real Instagram followers and likes, instant delivery, 100% safe {url}",
            "Get 10k YouTube views and subscribers cheap, grow your channel fast: {url}",
            "Boost your TikTok with genuine followers today {url}",
        ],
        "followers",
        ["Social Growth", "Follower Boost", "Grow Fast"],
    ),
    "casino": (
        [
            "Best online casino bonus 200% up to 500 euro, free spins every day {url}",
            "Win big at our slots tonight, jackpot is huge, register at {url}",
            "Sports betting tips with 95% win rate, join VIP {url}",
        ],
        "casino",
        ["Casino Bonus", "Slots Online", "Lucky Bet"],
    ),
    "watches": (
        [
            "Replica watches and designer handbags at factory prices {url}",
            "Luxury bags outlet sale, 70% off today only {url}",
            "Cheap sunglasses and sneakers, free shipping {url}",
        ],
        "outlet",
        ["Replica Shop", "Outlet Store", "Luxury Deals"],
    ),
}
DRUGS = ["viagra", "cialis", "tramadol", "xanax", "phentermine", "modafinil", "oxycodone"]
# Which campaigns reach which blog: overlapping, never all.
SOURCE_CAMPAIGNS = {
    "neurology": ["praise_link", "pharma", "crypto", "spellcaster", "loans", "essay"],
    "cycling": ["praise_link", "watches", "casino", "money", "pharma", "followers"],
    "cooking": ["praise_link", "money", "followers", "spellcaster", "watches", "loans"],
    "astronomy": ["praise_link", "crypto", "essay", "casino", "money", "pharma"],
    "programming": ["praise_link", "essay", "followers", "crypto", "loans", "casino"],
}


def _own_site(rng: random.Random) -> str:
    site = rng.choice(FIRST_NAMES).lower() + rng.choice(["notes", "blog", "writes", "online"])
    return f"https://{site}.{rng.choice(['blog', 'net', 'com', 'info'])}/{rng.randint(1, 99)}"


def _legit(rng: random.Random, source: str) -> Item:
    topic = TOPICS[source]
    if rng.random() < 0.12:
        text = rng.choice(LEGIT_SHORT)
    else:
        sentences = rng.randint(1, 3)
        parts = []
        for _ in range(sentences):
            body = rng.choice(LEGIT_BODIES)
            if "{link}" in body and rng.random() < 0.5:
                body = rng.choice(LEGIT_BODIES[:13])
            parts.append(
                body.format(
                    thing=rng.choice(topic["things"]), thing2=rng.choice(topic["things"]),
                    people=rng.choice(topic["people"]).capitalize() if body.startswith("{people}")
                    else rng.choice(topic["people"]),
                    link="https://" + rng.choice(topic["links"]),
                    own=_own_site(rng),
                )
            )  # fmt: skip
        text = rng.choice(LEGIT_OPENERS) + " ".join(parts)
        if rng.random() < 0.1:
            text = text.lower()
    roll = rng.random()
    name = (
        "" if roll < 0.25 else "Anonymous" if roll < 0.35
        else rng.choice(FIRST_NAMES) if roll < 0.8
        else f"{rng.choice(FIRST_NAMES)} {rng.choice('ABCDEFGHJKLMNPRSTW')}."
    )  # fmt: skip
    return Item(source, name, text, False)


def _spam(rng: random.Random, source: str, domains: dict) -> Item:
    campaign = rng.choice(SOURCE_CAMPAIGNS[source])
    templates, stem, names = CAMPAIGNS[campaign]
    drug = rng.choice(DRUGS)
    key = (campaign, rng.randint(0, 3))
    domain = domains.setdefault(key, _domain(rng, stem))
    path = rng.choice(["", drug, "go", "offer", f"p/{rng.randint(1, 999)}"])
    url = f"http{'s' if rng.random() < 0.6 else ''}://{domain}/{path}"
    text = rng.choice(templates).format(
        url=url, drug=drug, dose=rng.choice(["20mg", "50mg", "100mg"]), n=rng.randint(100, 999)
    )
    if rng.random() < 0.15:  # some spam drops the link (it is in the name, or nowhere)
        text = text.replace(url, "").strip(" :")
    if rng.random() < 0.3:  # a topical opener copied from the post to look like a reader
        text = f"{rng.choice(TOPICS[source]['things']).capitalize()} is so important. {text}"
    if rng.random() < 0.06:  # praise with nothing to sell in sight: looks like a reader
        text = rng.choice(LEGIT_SHORT + ["Nice blog, thanks.", "Good info, thank you admin."])
    name = rng.choice(names).format(drug=drug)
    if rng.random() < 0.2:
        name = rng.choice(FIRST_NAMES) + " " + rng.choice(["Smith", "Johnson", "Brown", "Lee"])
    return Item(source, name, text, True)


def corpus(per_source: int = 500, spam_share: float = 0.5, seed: int = 13) -> list[Item]:
    rng = random.Random(seed)
    items = []
    for source in SOURCES:
        domains: dict = {}
        for _ in range(per_source):
            if rng.random() < spam_share:
                items.append(_spam(rng, source, domains))
            else:
                items.append(_legit(rng, source))
    return items


def write_csv(path: str, items: list[Item]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "name", "text", "label"])
        for item in items:
            writer.writerow([item.source, item.name, item.text, "spam" if item.is_spam else "ham"])


if __name__ == "__main__":
    write_csv(sys.argv[1] if len(sys.argv) > 1 else "spam_corpus.csv", corpus())
