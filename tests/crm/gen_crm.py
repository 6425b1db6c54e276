#!/usr/bin/env python3
"""An invented CRM export in the shape B2B sales teams download from their CRM: one row per
opportunity (id, agent, product, account, stage, engage date, close date, close value), and
a table of agents, their managers and regional offices. Seeded, so the files are the same on
every run.

    python3 tests/crm/gen_crm.py tests/crm/crm [--rows N]
"""
import argparse, csv, datetime, os, random

OFFICES = {"Central": ["Dana Whitlock", "Olu Adebayo"], "East": ["Rosa Lindqvist", "Tomás Ferreira"],
           "West": ["Grace Huang", "Ivan Petrov"]}
FIRST = ["Mei-Mei", "Arjun", "Lena", "Kofi", "Sofia", "Hiro", "Nadia", "Pablo", "Ingrid", "Yusuf",
         "Clara", "Dmitri", "Amara", "Felix", "Leila", "Marco", "Ana", "Tariq", "Elsa", "Ravi",
         "Chloe", "Bruno", "Zara", "Oscar", "Priya", "Jonas", "Kemi", "Luca", "Sana", "Theo"]
LAST = ["Johns", "Kapoor", "Novak", "Mensah", "Rossi", "Tanaka", "Haddad", "Ortiz", "Berg",
        "Aydin", "Moreau", "Volkov", "Okafor", "Brandt", "Nasser", "Conti", "Silva", "Rahman",
        "Lund", "Iyer", "Dubois", "Costa", "Malik", "Svensson", "Nair", "Weber", "Eze", "Greco",
        "Qureshi", "Laine"]
PRODUCTS = {"GTX Basic": 550, "GTX Pro": 4821, "MG Special": 55, "MG Advanced": 3393,
            "GTX Plus Basic": 1096, "GTX Plus Pro": 5482, "GTK 500": 26768}
ACCOUNTS = ["Acme Corporation", "Betasoloin", "Cancity", "Codehow", "Dalttechnology", "Dontechi",
            "Finhigh", "Fixdom", "Genco Pura Olive Oil", "Goodsilron", "Hatfan", "Isdom", "Konex",
            "Labdrill", "Lexiqvolax", "Mathtouch", "Nam-zim", "Newex", "Opentech", "Plexzap",
            "Rangreen", "Rundofase", "Scotfind", "Silis", "Sonron", "Streethex", "Sumace",
            "Toughzap", "Treequote", "Warephase", "Xx-holding", "Zathunicon", "Zumgoity"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--rows", type=int, default=2000)
    args = ap.parse_args()
    rnd = random.Random(20171231)
    os.makedirs(args.out, exist_ok=True)
    agents = []
    names = [f"{f} {l}" for f, l in zip(FIRST, LAST)]
    i = 0
    for office, managers in OFFICES.items():
        for manager in managers:
            for _ in range(5):
                agents.append((names[i], manager, office))
                i += 1
    with open(os.path.join(args.out, "sales_teams.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["sales_agent", "manager", "regional_office"])
        w.writerows(agents)
    ids = set()
    start = datetime.date(2016, 10, 20)
    as_of = datetime.date(2017, 9, 30)
    rows = []
    for _ in range(args.rows):
        while True:
            oid = "".join(rnd.choice("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(8))
            if oid not in ids:
                ids.add(oid)
                break
        agent = rnd.choice(agents)[0]
        product = rnd.choice(list(PRODUCTS))
        account = rnd.choice(ACCOUNTS) if rnd.random() > 0.15 else ""
        engage = start + datetime.timedelta(days=rnd.randrange(0, 345))
        roll = rnd.random()
        if roll < 0.18:
            stage, engage_s, close_s, value = "Prospecting", "", "", ""
        elif roll < 0.34:
            stage, engage_s, close_s, value = "Engaging", engage.isoformat(), "", ""
        else:
            close = engage + datetime.timedelta(days=rnd.randrange(1, 140))
            if close > as_of:
                stage, engage_s, close_s, value = "Engaging", engage.isoformat(), "", ""
            elif rnd.random() < 0.63:
                list_price = PRODUCTS[product]
                value = str(round(list_price * rnd.uniform(0.9, 1.1)))
                stage, engage_s, close_s = "Won", engage.isoformat(), close.isoformat()
            else:
                stage, engage_s, close_s, value = "Lost", engage.isoformat(), close.isoformat(), "0"
        rows.append([oid, agent, product, account, stage, engage_s, close_s, value])
    with open(os.path.join(args.out, "sales_pipeline.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["opportunity_id", "sales_agent", "product", "account", "deal_stage",
                    "engage_date", "close_date", "close_value"])
        w.writerows(rows)


if __name__ == "__main__":
    main()
