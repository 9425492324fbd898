"""What the demo's visitors, bots and companies say, in varied words."""

from __future__ import annotations

FIRST = [
    "Priya",
    "Marcus",
    "Elena",
    "Kenji",
    "Fatima",
    "Lucas",
    "Aisha",
    "Tomás",
    "Hannah",
    "Wei",
    "Olu",
    "Greta",
    "Diego",
    "Noor",
    "Sven",
    "Chloé",
    "Ravi",
    "Maya",
    "Jonas",
    "Leila",
]
LAST = [
    "Shah",
    "Okafor",
    "Novak",
    "Tanaka",
    "Haddad",
    "Silva",
    "Khan",
    "Ruiz",
    "Becker",
    "Chen",
    "Adeyemi",
    "Larsen",
    "Moreau",
    "Patel",
    "Kowalski",
    "Nguyen",
    "Rossi",
    "Berg",
]
COMPANY = [
    "Northwind",
    "Globex",
    "Initech",
    "Umbrella Health",
    "Stark Logistics",
    "Wayne Foods",
    "Acme Robotics",
    "Blue Harbor",
    "Vandelay Imports",
    "Hooli",
    "Pied Piper",
    "Cyberdyne",
    "Soylent Labs",
    "Tyrell Systems",
    "Oceanic Air",
    "Gringotts Finance",
]

# (country, region, city): territories of the reference policy and some outside every one
PLACES = {
    "northeast": [
        ("US", "US-NY", "New York"),
        ("US", "US-MA", "Boston"),
        ("US", "US-PA", "Philadelphia"),
        ("US", "US-NJ", "Newark"),
    ],
    "west": [
        ("US", "US-CA", "San Francisco"),
        ("US", "US-WA", "Seattle"),
        ("US", "US-CO", "Denver"),
    ],
    "north-america": [
        ("US", "US-TX", "Austin"),
        ("US", "US-IL", "Chicago"),
        ("CA", "CA-ON", "Toronto"),
        ("MX", None, "Monterrey"),
    ],
    "emea": [
        ("GB", None, "London"),
        ("DE", None, "Berlin"),
        ("FR", None, "Paris"),
        ("NL", None, "Amsterdam"),
        ("SE", None, "Stockholm"),
    ],
    None: [("BR", None, "São Paulo"), ("JP", None, "Tokyo"), ("AU", None, "Sydney")],
}

REFERRERS = [
    ("google", "cpc", "https://www.google.com/"),
    ("linkedin", "paid-social", "https://www.linkedin.com/"),
    ("newsletter", "email", None),
    ("g2", "referral", "https://www.g2.com/"),
    (None, None, "https://news.ycombinator.com/"),
    (None, None, None),
]
CAMPAIGNS = {
    "enterprise": ["enterprise-q1", "security-webinar", "abm-fortune500"],
    "smb": ["starter-launch", "smb-spring", "free-trial"],
}

LANDING = {
    "enterprise": ["/enterprise", "/enterprise/security", "/enterprise/sso"],
    "smb": ["/starter", "/starter/features", "/starter/compare"],
}
BROWSING = [
    "/blog/choosing-a-crm",
    "/blog/lead-routing-101",
    "/features/routing",
    "/customers",
    "/docs/api",
    "/integrations/hubspot",
]

GREETING = [
    "Hi! What brings you here today?",
    "Hello 👋 How can I help?",
    "Welcome! What are you looking for?",
    "Hi there, anything I can help you find?",
]
OPENER = {
    "enterprise": [
        "We need SSO and an audit log for a rollout across the company.",
        "Looking at the enterprise plan, mostly for SAML and dedicated support.",
        "Does the enterprise plan come with an SLA?",
        "Our security team requires SSO, is that included?",
    ],
    "smb": [
        "We're a small team looking for something simple.",
        "What does the starter plan include?",
        "I'm a freelancer and need to route leads from my site.",
        "Looking for a starter plan for our small team.",
    ],
}

ASK_BUDGET = [
    "What budget do you have in mind?",
    "Do you have a budget range for this?",
    "Roughly what are you looking to spend?",
]
ASK_TIMELINE = [
    "When are you looking to get started?",
    "What's your timeline for a decision?",
    "When do you need this in place?",
]
ASK_ROLE = [
    "What's your role?",
    "Who makes the decision on your side?",
    "What is your role in the evaluation?",
]
ASK_SIZE = ["How many employees are at your company?", "How big is your company?"]

# {n} is a sum in thousands; the sentence states a budget of n × 1000 USD.
BUDGET = [
    "Our budget is around ${n}k.",
    "We have roughly {n}k set aside for this.",
    "Budget is about {n},000 dollars a year.",
    "We could spend up to ${n},000.",
    "I'd say our budget is in the ballpark of ${n}k.",
    "{n}k, give or take.",
    "We got ${n}k approved for the whole rollout.",
]
# (sentence, timeline_days from the message's day, or None for "no timeline")
TIMELINE = [
    ("ASAP, honestly.", 0),
    ("We need it live in 2 months.", 61),
    ("Within 6 weeks if possible.", 42),
    ("We'd like to decide in the next month.", 31),
    ("Our timeline is about 3 months.", 92),
]
NO_TIMELINE = [
    "Just looking for now, no timeline.",
    "No rush, just browsing options.",
    "Honestly we're not in a hurry.",
]
DECIDER = [
    "I'm the CTO.",
    "VP of Sales here, it's my call.",
    "I run the revenue team.",
    "I own the budget for this.",
    "I'm the founder.",
    "Head of Operations, I sign off.",
]
INFLUENCER = [
    "My boss decides, I'm researching for my VP.",
    "I'll run it by our CFO.",
    "I'm the sales ops manager, leadership makes the final call.",
]
USER = ["I'd be one of the users.", "I'm a developer on the team.", "I'm an analyst."]
SIZE = ["We're about {n} people.", "A {n}-person company.", "Around {n} employees."]

IMPLEMENTATION = [
    "How long does onboarding usually take?",
    "Can you integrate with Salesforce?",
    "What does implementation look like for a team our size?",
    "How long would it take to roll out to everyone?",
]
COMPETITOR = [
    "We're comparing you with HubSpot.",
    "We tried Pipedrive but it didn't stick.",
    "How are you different from Zoho?",
]
DEMO = ["Could we get a demo this week?", "Can I book a demo?", "Is there a trial for our team?"]
HUMAN = [
    "Can I talk to a person please?",
    "I'd like to speak with someone in sales.",
    "Honestly, can I just talk to a human?",
    "Could I speak to someone from sales?",
]
THANKS = ["Thanks, that helps.", "Great, thank you!", "Perfect."]
NOTES = [
    "Evaluating against their current vendor.",
    "Renewal of the current tool is coming up.",
    "Asked about data residency.",
    "Came back after the webinar.",
]
