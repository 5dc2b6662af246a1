#!/usr/bin/env python3
"""Generate a synthetic bank statement of a donation account, for tests and benchmarks.

Every name and number is invented. The description patterns follow what Vietnamese banks print for
incoming transfers (bank app, NAPAS interbank, e-wallets), and the layouts follow the banks' CSV/Excel
exports (src/domain/statement/ describes each layout; tests/fixtures/statements/ holds a sample of each).
A copy of the project's shared tools/gen_statement.py, so the benchmark runs from the repository alone.

    gen_statement.py --format vietcombank --lines 200000 --seed 7 > statement.csv

The last line on stderr is a JSON summary (line count, credit and debit totals, closing balance), so a
test can check an import against it.
"""
import argparse
import csv
import datetime as dt
import json
import random
import sys

FAMILY = ["NGUYEN", "TRAN", "LE", "PHAM", "HOANG", "HUYNH", "VU", "VO", "DANG", "BUI", "DO", "HO", "NGO",
          "DUONG", "LY", "LUONG", "NONG", "HA", "LANG", "MA", "LOC", "VI", "TRIEU"]
MIDDLE = ["VAN", "THI", "DUC", "MINH", "HOANG", "THANH", "NGOC", "QUANG", "HUU", "XUAN", "KIM", "THU"]
GIVEN = ["AN", "BINH", "CUONG", "DUNG", "GIANG", "HA", "HAI", "HANH", "HIEU", "HOA", "HUNG", "HUONG",
         "KHANH", "LAN", "LINH", "LONG", "MAI", "NAM", "NGA", "PHONG", "PHUONG", "QUAN", "SON", "TAM",
         "THAO", "THUY", "TIEN", "TRANG", "TUAN", "VAN", "VIET", "YEN"]
MESSAGES = ["chuyen tien", "ung ho", "ung ho nguoi ngheo", "ung ho quy vi nguoi ngheo", "quyen gop",
            "chung tay vi nguoi ngheo", "tet vi nguoi ngheo", "ung ho xay nha dai doan ket", "xin cam on"]
AMOUNTS = [10000, 20000, 50000, 100000, 200000, 300000, 500000, 1000000, 2000000, 5000000, 10000000]
BINS = ["970436", "970418", "970405", "970415", "970422", "970407", "970432", "970423"]
OWN_ACCOUNT = "0011009999999"
OWN_NAME = "UY BAN MTTQ TINH - QUY VI NGUOI NGHEO"


def person(rng):
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def credit_description(rng, when, seq):
    name = person(rng)
    msg = rng.choice(MESSAGES)
    kind = rng.random()
    stamp = when.strftime("%d%m%y") + "." + when.strftime("%H%M%S")
    if kind < 0.30:
        acct = "".join(rng.choice("0123456789") for _ in range(13))
        return f"MBVCB.{rng.randrange(10**9, 10**10)}.{name} {msg}.CT tu {acct} {name} toi {OWN_ACCOUNT} {OWN_NAME}"
    if kind < 0.60:
        return f"{rng.randrange(100000, 999999)}.{stamp}.{name} {msg}"
    if kind < 0.72:
        ref = f"0200{rng.choice(BINS)}{when.strftime('%d%m%H%M%S')}{when.year}{rng.randrange(1000, 9999)}"
        return f"{ref}.{seq % 100000}.{when.strftime('%H%M%S')}.Vietcombank:{OWN_ACCOUNT}:{name} {msg}"
    if kind < 0.80:
        wid = rng.randrange(10**10, 10**11)
        phone = "09" + "".join(rng.choice("0123456789") for _ in range(8))
        return f"PARTNER.DIRECT_DEBITS_VCB.MSE.{wid}.{when.strftime('%Y%m%d')}.{wid}-{phone}_{name} chuyen tien qua MoMo"
    if kind < 0.86:
        return f"PARTNER.DIRECT_DEBITS_VCB.ZLP.ZP{rng.randrange(10**9, 10**10)}.{when.strftime('%Y%m%d')}.{name.title()} chuyen tien qua Zalopay"
    if kind < 0.90:
        phone = "849" + "".join(rng.choice("0123456789") for _ in range(8))
        return (f"{rng.randrange(100000, 999999)}.{stamp}.CKSOTAIKHOAN {rng.randrange(10**14, 10**15)} {name} "
                f"chuyen tien tu Viettel Money {phone} {OWN_ACCOUNT}")
    if kind < 0.95:
        return f"{rng.randrange(100000, 999999)}.{stamp}.IBFT {name} chuyen tien FT{when.strftime('%y%j')}{rng.randrange(10**10, 10**11)}"
    return f"{rng.randrange(100000, 999999)}.{stamp}.{msg}"  # no name: an anonymous gift


def rows(rng, n, start):
    """Yield (when, doc_no, debit, credit, description) in time order."""
    when = start
    step = max(1, int(86400 * 10 / max(n, 1)))  # spread over about ten days
    for seq in range(1, n + 1):
        when += dt.timedelta(seconds=rng.randrange(0, 2 * step + 1))
        doc = f"{rng.randrange(5000, 5400)}.{rng.randrange(10000, 99999)}"
        if rng.random() < 0.004:
            yield when, doc, 55000 if rng.random() < 0.5 else 11000, 0, \
                f"THU PHI DICH VU SMS CHU DONG THANG {when.month:02d}/{when.year}. So tien 55000 VND"
        else:
            amount = rng.choice(AMOUNTS) if rng.random() < 0.9 else rng.randrange(1, 5000) * 1000
            yield when, doc, 0, amount, credit_description(rng, when, seq)


def dots(n):
    return f"{n:,}".replace(",", ".") if n else ""


def commas(n):
    return f"{n:,}" if n else ""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--format", choices=["vietcombank", "bidv", "vietinbank", "agribank", "generic"], default="vietcombank")
    ap.add_argument("--lines", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--opening", type=int, default=1_250_000_000, help="opening balance in VND")
    ap.add_argument("--start", default="2026-10-17", help="first day, YYYY-MM-DD")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    start = dt.datetime.fromisoformat(a.start) + dt.timedelta(hours=6)
    data = list(rows(rng, a.lines, start))
    out = csv.writer(sys.stdout, lineterminator="\n")
    balance = a.opening
    credits = debits = 0
    fmt = a.format

    if fmt == "vietcombank":
        out.writerow(["Ngày/TNX Date", "Số CT/Doc No", "Số tiền ghi nợ/Debit", "Số tiền ghi có/Credit",
                      "Số dư/Balance", "Nội dung chi tiết/Transactions in detail"])
    elif fmt == "bidv":
        out.writerow(["BÁO CÁO CHI TIẾT SỐ DƯ TÀI KHOẢN"])
        out.writerow([f"Số tài khoản: {OWN_ACCOUNT}"])
        out.writerow([f"Từ ngày {data[0][0]:%d/%m/%Y} đến ngày {data[-1][0]:%d/%m/%Y}" if data else ""])
        out.writerow(["STT", "Ngày hiệu lực", "Ghi nợ", "Ghi có", "Số dư", "Mô tả"])
        out.writerow(["", "", "", "", commas(balance), "Dư đầu"])
    elif fmt == "vietinbank":
        out.writerow(["LỊCH SỬ GIAO DỊCH - TRANSACTION HISTORY"])
        out.writerow(["STT/No.", "Ngày hạch toán/Accounting date", "Mô tả giao dịch/Transaction description",
                      "Nợ/Debit", "Có/Credit", "Số dư TK/Account balance", "Số giao dịch/Transaction number"])
    elif fmt == "agribank":
        out.writerow(["SAO KÊ TÀI KHOẢN"])
        out.writerow(["Ngày giao dịch", "Số bút toán", "Ghi nợ", "Ghi có", "Số dư", "Diễn giải"])
    else:
        out.writerow(["date", "reference", "debit", "credit", "balance", "description"])

    prev_day = None
    for i, (when, doc, debit, credit, desc) in enumerate(data):
        balance += credit - debit
        credits += credit
        debits += debit
        last_of_day = i + 1 == len(data) or data[i + 1][0].date() != when.date()
        if fmt == "vietcombank":
            out.writerow([f"{when:%d/%m/%Y}", doc, dots(debit), dots(credit), dots(balance) if last_of_day else "", desc])
        elif fmt == "bidv":
            out.writerow([i + 1, f"{when:%d/%m/%Y}", commas(debit), commas(credit), commas(balance), desc])
        elif fmt == "vietinbank":
            day = f"{when:%d/%m/%Y %H:%M:%S}" if when.date() != prev_day else ""  # dates left blank within a day
            out.writerow([i + 1, day, desc, commas(debit), commas(credit), commas(balance), doc.replace(".", "")])
        elif fmt == "agribank":
            out.writerow([f"{when:%d/%m/%Y}", doc, dots(debit), dots(credit), dots(balance), desc])
        else:
            out.writerow([f"{when:%Y-%m-%d}", doc, debit or "", credit or "", balance, desc])
        prev_day = when.date()
    if fmt == "bidv":
        out.writerow(["", "", commas(debits), commas(credits), commas(balance), "Dư cuối"])
    print(json.dumps({"format": fmt, "lines": len(data), "credits_total": credits, "debits_total": debits,
                      "opening_balance": a.opening, "closing_balance": balance}), file=sys.stderr)


if __name__ == "__main__":
    main()
