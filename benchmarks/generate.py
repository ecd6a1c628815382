"""Write a seeded corpus of realistic job specs: ``python benchmarks/generate.py OUT_DIR --count 1000``.

All three job types; YAML with comments (about 85 %) and JSON; most files clean, about one in five (``--broken``)
with one to three mistakes people make (a typo in a key, a wrong enum value, a missing field, a bad schedule);
one in fifty is large (20 locations or 40 principals). The same seed gives the same files.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

INSTANCE = "2180518f42b84947b20badfc53981a25"


def _name(rng: random.Random, prefix: str) -> str:
    return f"{prefix}_{rng.choice(['sales', 'hr', 'ops', 'risk', 'web', 'iot'])}_{rng.randrange(10_000)}"


def _principals(rng: random.Random, count: int) -> list[dict]:
    return [
        {
            "principal_type": rng.choice(["USER", "GROUP", "ROLE"]),
            "principal_source": "IAM",
            "principal_name": f"team_{i}_{rng.randrange(1000)}",
        }
        for i in range(count)
    ]


def discovery(rng: random.Random, large: bool) -> dict:
    param = {
        "data_location": f"obs://lake-{rng.randrange(100)}/raw/{rng.choice(['sales', 'clicks', 'orders'])}",
        "target_catalog": "hive",
        "target_database": _name(rng, "db"),
        "conflict_strategy": rng.choice(["UPSERT", "INSERT", "UPDATE"]),
        "file_discovery_type": rng.choice(["PARQUET", "ORC", "AVRO", "JSON"]),
        "file_sample_rate": rng.randrange(1, 101),
        "table_depth": rng.randrange(1, 6),
        "log_location": f"obs://corp-logs/discovery/{rng.randrange(100)}",
        "instance_id": INSTANCE,
        "rediscovery_policy": rng.choice(["FULL_DISCOVERY", "INCREMENTAL_DISCOVERY"]),
        "principals": _principals(rng, 40 if large else rng.randrange(1, 4)),
        "execute_strategy": "SCHEDULE",
    }
    frequency = rng.choice(["MONTHLY", "WEEKLY", "DAILY", "HOURLY"])
    param["execute_frequency"] = frequency
    if frequency == "MONTHLY":
        param["execute_day"] = str(rng.randrange(1, 29))
    elif frequency == "WEEKLY":
        param["execute_day"] = str(rng.randrange(1, 8))
    else:
        param["execute_day"] = "*"
    param["execute_hour"] = "*" if frequency == "HOURLY" else rng.randrange(24)
    param["execute_minute"] = rng.randrange(60)
    return {
        "name": _name(rng, "discover"),
        "description": "Discover new partitions of the lake every night.",
        "type": "METADATA_DISCOVERY",
        "parameter": {"metadata_discovery_parameter": param},
    }


def migration(rng: random.Random, large: bool) -> dict:
    locations = [
        {"key": f"hdfs://hacluster/user/hive/warehouse/{i}", "value": f"obs://corp-lake/warehouse/{i}"}
        for i in range(20 if large else rng.randrange(1, 4))
    ]
    return {
        "name": _name(rng, "migrate"),
        "description": "Move the Hive metastore into LakeFormation.",
        "type": "METADATA_MIGRATION",
        "parameter": {
            "metadata_migration_parameter": {
                "datasource_type": "MRS_RDS_FOR_MYSQL",
                "datasource_parameter": {
                    "jdbc_url": f"jdbc:mysql://192.168.10.{rng.randrange(1, 255)}:3306/hive",
                    "username": "hivereader",
                    "password": "${LF_HIVE_DB_PASSWORD}",
                    "subnet_ip": "192.168.10.0",
                },
                "source_catalog": "hive",
                "target_catalog": _name(rng, "cat"),
                "conflict_strategy": "UPSERT",
                "log_location": "obs://corp-logs/lakeformation/migration",
                "sync_objects": ["DATABASE", "FUNCTION", "TABLE", "PARTITION"],
                "default_owner": "data_platform",
                "locations": locations,
                "instance_id": INSTANCE,
                "network_type": "EIP",
            }
        },
    }


def permissions(rng: random.Random, large: bool) -> dict:
    return {
        "name": _name(rng, "grants"),
        "description": "Convert exported Ranger policies into grants.",
        "type": "PERMISSION_MIGRATION",
        "parameter": {
            "permission_migration_parameter": {
                "location": f"obs://corp-policies/ranger/{rng.randrange(2020, 2027)}",
                "file_name": "ranger_policies.json",
                "log_location": "obs://corp-logs/lakeformation/permissions",
                "policy_type": "RANGER",
                "instance_id": INSTANCE,
                "ranger_permission_migration_principal_relas": {
                    "user_to": "IAM_USER",
                    "group_to": "IAM_GROUP",
                    "group_prefix": "ranger_",
                    "role_to": "ROLE",
                },
            }
        },
    }


def break_spec(rng: random.Random, spec: dict, mistakes: tuple[int, int] | None = None) -> None:
    """One to three mistakes, each one that a rule reports; with ``mistakes`` (least, most), that many different
    ones."""
    param = next(iter(spec["parameter"].values()))
    if mistakes:
        chosen = rng.sample(range(6), rng.randint(*mistakes))
    else:
        chosen = [rng.randrange(4) for _ in range(rng.randrange(1, 4))]
    for mistake in chosen:
        if mistake == 0:
            param["instnace_id"] = param.pop("instance_id", INSTANCE)
        elif mistake == 1:
            spec["type"] = spec["type"].lower()
        elif mistake == 2:
            spec.pop("name", None)
        elif mistake == 3:
            param["execute_hour"] = 25
        elif mistake == 4:
            param["log_location"] = "s3://corp-logs/lakeformation"
        else:
            spec["description"] = 42


def to_yaml(value, indent: int = 0) -> list[str]:
    """Block-style YAML (enough for these specs: strings, numbers, booleans, lists of mappings)."""
    pad, lines = " " * indent, []
    for key, item in value.items():
        if isinstance(item, dict):
            lines += [f"{pad}{key}:", *to_yaml(item, indent + 2)]
        elif isinstance(item, list) and item and isinstance(item[0], dict):
            lines.append(f"{pad}{key}:")
            for entry in item:
                inner = to_yaml(entry, indent + 4)
                lines += [f"{pad}  - {inner[0].lstrip()}", *inner[1:]]
        elif isinstance(item, list):
            lines.append(f"{pad}{key}: [{', '.join(map(str, item))}]")
        else:
            lines.append(f"{pad}{key}: {json.dumps(item) if item == '*' else item}")
    return lines


def generate(
    out: Path, count: int, seed: int = 42, broken: float = 0.2, mistakes: tuple[int, int] | None = None
) -> list[Path]:
    """``count`` files in ``out``; a share ``broken`` of them with mistakes (see ``break_spec``)."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for i in range(count):
        make = rng.choice([discovery, migration, permissions])
        spec = make(rng, large=rng.random() < 0.02)
        if rng.random() < broken:
            break_spec(rng, spec, mistakes)
        if rng.random() < 0.15:
            path, text = out / f"job-{i:05d}.lfjob.json", json.dumps(spec, indent=2) + "\n"
        else:
            comment = f"# {make.__name__} job {i}, owned by the data platform team\n# reviewed: 2026-0{1 + i % 9}\n"
            path, text = out / f"job-{i:05d}.lfjob.yaml", comment + "\n".join(to_yaml(spec)) + "\n"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def stream(path: Path, documents: int, seed: int = 42, broken: float = 0.5) -> Path:
    """One YAML file of ``documents`` jobs separated by ``---``, a share ``broken`` of them with mistakes."""
    rng = random.Random(seed)
    parts = []
    for _ in range(documents):
        spec = rng.choice([discovery, migration, permissions])(rng, large=False)
        if rng.random() < broken:
            break_spec(rng, spec)
        parts.append("\n".join(to_yaml(spec)) + "\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("---\n".join(parts), encoding="utf-8")
    return path


def large_spec(path: Path, megabytes: float) -> Path:
    """One clean migration job made ``megabytes`` large by its ``locations`` (long paths, as a real warehouse has:
    about 250 bytes and 3 values a location)."""
    spec = migration(random.Random(0), large=False)
    head = "\n".join(to_yaml(spec)).split("    locations:")[0] + "    locations:\n"
    entry = (
        "      - key: hdfs://hacluster/user/hive/warehouse/sales_{0:07d}.db/orders_by_region_and_day/"
        "year=2026/month=11/day=27/region=eu-west-0/part\n"
        "        value: obs://corp-lake/warehouse/sales_{0:07d}.db/orders_by_region_and_day/year=2026/month=11/"
        "day=27/region=eu-west-0/part\n"
    )
    count = max(1, int((megabytes * 1024 * 1024 - len(head)) / len(entry.format(0))))
    tail = f"    instance_id: {INSTANCE}\n    network_type: EIP\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(head + "".join(entry.format(i) for i in range(count)) + tail, encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--broken", type=float, default=0.2, help="share of files with mistakes (0 to 1)")
    args = parser.parse_args()
    generate(args.out, args.count, args.seed, args.broken)


if __name__ == "__main__":
    main()
