"""Manage API keys: ``python -m service.keys create|list|revoke`` on the store STORE_URL names.

    python -m service.keys create --name desk-a --rate 60/minute --quota 500000 --period month
    python -m service.keys list
    python -m service.keys revoke key_3f9a0c1b2d4e

``create`` prints the secret once; the store keeps only its SHA-256, so a lost key is revoked
and replaced, never recovered. The server sees new and revoked keys at once (it looks each
key up per request), also while it runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from service.settings import Settings
from service.store.keys import PERIODS, ApiKey, open_key_store


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m service.keys",
        description="Create, list and revoke API keys in the store named by STORE_URL.",
    )
    parser.add_argument(
        "--store-url", help="Override STORE_URL (sqlite:///PATH or redis://HOST:PORT/DB)."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="Make a key and print its secret once.")
    create.add_argument("--name", required=True, help="Who the key is for, e.g. desk-a.")
    create.add_argument(
        "--rate", help="Request rate, e.g. 60/minute (default: RATE_LIMIT_DEFAULT, or none)."
    )
    create.add_argument("--quota", type=int, help="Characters per period (default: no quota).")
    create.add_argument(
        "--period", choices=PERIODS, default="month", help="Quota period (default: month)."
    )
    commands.add_parser("list", help="Every key, without secrets.")
    revoke = commands.add_parser("revoke", help="Revoke a key by its id (see list).")
    revoke.add_argument("id", help="The key id, e.g. key_3f9a0c1b2d4e.")
    return parser


def _row(key: ApiKey) -> str:
    status = f"revoked {key.revoked.isoformat()}" if key.revoked else "active"
    quota = f"{key.char_quota}/{key.quota_period}" if key.char_quota is not None else "-"
    return "\t".join(
        (key.id, key.name, key.created.isoformat(), status, key.rate_limit or "-", quota)
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (1 for an unknown id or a bad value)."""
    args = _parser().parse_args(argv)
    store_url = args.store_url or Settings().store_url
    store = open_key_store(store_url)
    try:
        if args.command == "create":
            try:
                key, secret = store.create(
                    name=args.name,
                    rate_limit=args.rate,
                    char_quota=args.quota,
                    quota_period=args.period,
                )
            except ValueError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 1
            print(f"created {key.id} ({key.name}); the key, shown only now:", file=sys.stderr)
            print(secret)
        elif args.command == "list":
            print("id\tname\tcreated\tstatus\trate\tquota")
            for key in store.list_keys():
                print(_row(key))
        else:
            revoked = store.revoke(args.id)
            if revoked is None:
                print(f"error: no key with id {args.id}", file=sys.stderr)
                return 1
            print(_row(revoked))
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
