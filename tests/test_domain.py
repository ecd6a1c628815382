"""Issue 13: no valid job blocked, no cascade of findings, messages that say what is wrong and how to fix it."""

import itertools
import json
from pathlib import Path

import pytest
from conftest import GOOD

from lflint import lint_text

ROOT = Path(__file__).resolve().parent.parent

MIGRATION = """\
name: migrate_hive
type: METADATA_MIGRATION
parameter:
  metadata_migration_parameter:
    datasource_type: MRS_RDS_FOR_MYSQL
    datasource_parameter:
      jdbc_url: jdbc:mysql://10.0.0.12:3306/hive
      username: hive
      password: ${LF_DB_PASSWORD}
    source_catalog: hive
    target_catalog: hive_lf
    conflict_strategy: UPSERT
    log_location: obs://corp-logs/migration
    sync_objects: [DATABASE, TABLE, PARTITION]
    locations:
      - key: hdfs://hacluster/warehouse
        value: obs://lake-warehouse/hive
    instance_id: 2180518f42b84947b20badfc53981a25
"""
DLF_SOURCE = """\
    datasource_type: ALIYUN_DLF
    datasource_parameter:
      endpoint: dlf.cn-hangzhou.aliyuncs.com
      access_key: ${ALIBABA_CLOUD_ACCESS_KEY_ID}
      secret_key: ${ALIBABA_CLOUD_ACCESS_KEY_SECRET}
"""
JDBC_SOURCE = MIGRATION[MIGRATION.index("    datasource_type") : MIGRATION.index("    source_catalog")]


def found(text, filename="job.yaml"):
    return [(d.rule, d.line) for d in lint_text(text, filename)]


def only(text, rule):
    [d] = [d for d in lint_text(text, "job.yaml") if d.rule == rule]
    return d


# -- false positives ---------------------------------------------------------------------------------------------

OBJECTS = ["DATABASE", "FUNCTION", "TABLE", "PARTITION"]


@pytest.mark.parametrize(
    "objects", [list(p) for n in range(1, 5) for c in itertools.combinations(OBJECTS, n) for p in [c, c[::-1]]]
)
def test_any_non_empty_subset_of_sync_objects_is_valid(objects):
    assert found(MIGRATION.replace("[DATABASE, TABLE, PARTITION]", json.dumps(objects))) == []


@pytest.mark.parametrize("objects", [[], ["TABLE", "TABLE"], ["PARTITION", "DATABASE", "PARTITION"]])
def test_sync_objects_empty_or_repeated(objects):
    assert found(MIGRATION.replace("[DATABASE, TABLE, PARTITION]", json.dumps(objects))) == [("LF210", 14)]


# Every URL form the drivers document (MySQL Connector/J 8 "Connection URL Syntax", MariaDB Connector/J, pgjdbc
# "Connecting to the Database", openGauss and GaussDB JDBC, which are pgjdbc forks)
VALID_URLS = {
    "MRS_RDS_FOR_MYSQL": [
        "jdbc:mysql://10.0.0.12:3306/hive",
        "jdbc:mysql://10.0.0.12/hive",
        "jdbc:mysql://db.example.internal:3306/hive",
        "jdbc:mysql://10.0.0.12:3306",
        "jdbc:mysql://10.0.0.12:3306/",
        "jdbc:mysql://10.30.0.11:3306,10.30.0.12:3306/metastore",
        "jdbc:mysql://[10.30.0.11:3306,10.30.0.12:3306]/metastore",
        "jdbc:mysql://[fd00::1]:3306/db",
        "jdbc:mysql://[fd00::1]/db",
        "jdbc:mysql://10.0.0.12:3306/hive?useSSL=true&serverTimezone=UTC",
        "jdbc:mysql://10.0.0.12:3306?useSSL=false",
        "jdbc:mysql:loadbalance://10.30.0.11:3306,10.30.0.12:3306/metastore",
        "jdbc:mysql:replication://10.30.0.11:3306,10.30.0.12:3306/metastore?loadBalanceStrategy=random",
        "jdbc:mysql+srv://_mysql._tcp.db.example.internal/hive",
        "jdbc:mysql+srv:loadbalance://_mysql._tcp.db.example.internal/hive",
        "jdbc:mysql://address=(host=10.30.0.11)(port=3306)(type=source),address=(host=10.30.0.12)(port=3306)/db",
        "jdbc:mysql://(host=10.30.0.11,port=3306,type=source)/db",
        "jdbc:mysql://[(host=10.30.0.11,port=3306),(host=10.30.0.12,port=3306)]/db",
        "jdbc:mariadb://10.0.0.12:3306/hive",
        "jdbc:mariadb:replication://10.30.0.11:3306,10.30.0.12:3306/hive",
        "jdbc:mariadb:sequential://10.30.0.11,10.30.0.12/hive",
        "jdbc:mariadb://address=(host=10.30.0.11)(port=3306)(type=primary)/hive",
    ],
    "MRS_RDS_FOR_PG": [
        "jdbc:postgresql://10.0.0.21:5432/hivemeta",
        "jdbc:postgresql://10.0.0.21/hivemeta",
        "jdbc:postgresql://10.0.0.21:5432/",
        "jdbc:postgresql://10.30.0.21:5432,10.30.0.22:5432/hivemeta",
        "jdbc:postgresql://[fd00::21]:5432/hivemeta",
        "jdbc:postgresql://10.0.0.21:5432/hivemeta?ssl=true&targetServerType=primary",
    ],
    "MRS_LOCAL_GAUSSDB": [
        "jdbc:gaussdb://10.0.0.31:25000/hivemeta",
        "jdbc:opengauss://10.0.0.31:25000/hivemeta?loggerLevel=OFF",
        "jdbc:opengauss://10.30.0.31:25000,10.30.0.32:25000/hivemeta?targetServerType=master",
        "jdbc:postgresql://10.0.0.31:25000/hivemeta",
        "jdbc:gaussdb://[fd00::31]:25000/hivemeta",
    ],
}
VALID_URLS["OPEN_FOR_MYSQL"] = VALID_URLS["MRS_RDS_FOR_MYSQL"]


def with_url(datasource_type, url):
    return MIGRATION.replace("MRS_RDS_FOR_MYSQL", datasource_type).replace(
        "jdbc:mysql://10.0.0.12:3306/hive", json.dumps(url)
    )


@pytest.mark.parametrize("datasource_type,url", [(t, u) for t, urls in VALID_URLS.items() for u in urls])
def test_every_driver_url_form_is_accepted(datasource_type, url):
    assert found(with_url(datasource_type, url)) == []


@pytest.mark.parametrize(
    "datasource_type,url,says",
    [
        ("MRS_RDS_FOR_MYSQL", "jdbc:postgresql://10.0.0.12:5432/hive", "MySQL JDBC URL"),
        ("MRS_RDS_FOR_MYSQL", "jdbc:protocol://host:port/db_name", "MySQL JDBC URL"),
        ("OPEN_FOR_MYSQL", "10.0.0.12:3306/hive", "MySQL JDBC URL"),
        ("OPEN_FOR_MYSQL", "mysql://10.0.0.12:3306/hive", "MySQL JDBC URL"),
        ("OPEN_FOR_MYSQL", "jdbc:mysql:fabric://10.0.0.12:3306/hive", "MySQL JDBC URL"),
        ("OPEN_FOR_MYSQL", "jdbc:mysql:///hive", "no host"),
        ("OPEN_FOR_MYSQL", "jdbc:mysql://:3306/hive", "no host"),
        ("MRS_RDS_FOR_PG", "jdbc:mysql://10.0.0.21:3306/hive", "PostgreSQL JDBC URL"),
        ("MRS_RDS_FOR_PG", "jdbc:postgresql:hivemeta", "PostgreSQL JDBC URL"),
        ("MRS_RDS_FOR_PG", "jdbc:postgresql://10.0.0.21:5432", "end the host list with /"),
        ("MRS_RDS_FOR_PG", "jdbc:postgresql://10.0.0.21:5432?ssl=true", "end the host list with /"),
        ("MRS_RDS_FOR_PG", "jdbc:postgresql:///hivemeta", "must name a host"),
        ("MRS_LOCAL_GAUSSDB", "jdbc:mysql://10.0.0.31:3306/hive", "GaussDB JDBC URL"),
        ("MRS_LOCAL_GAUSSDB", "jdbc:opengauss://10.0.0.31:25000", "end the host list with /"),
    ],
)
def test_wrong_driver_or_no_host(datasource_type, url, says):
    [d] = lint_text(with_url(datasource_type, url), "job.yaml")
    assert (d.rule, d.line) == ("LF205", 7) and says in d.message, d.message


def test_jdbc_url_of_a_dlf_source_is_reported_once():
    spec = MIGRATION.replace(JDBC_SOURCE, DLF_SOURCE + "      jdbc_url: jdbc:protocol://host:port/db_name\n")
    assert found(spec) == [("LF207", 10)]


def test_text_discovery_takes_delimited_text_options():
    options = '    separator: "|"\n    quote: SINGLE_QUOTE\n    escape: "\\\\"\n    header: true\n'
    assert [r for r, _ in found(GOOD.replace("PARQUET", "TEXT") + options)] == ["LF109"]
    assert found(GOOD.replace("PARQUET", "ALL") + options) == []
    assert [r for r, _ in found(GOOD + options)] == ["LF215"] * 4


def test_an_option_at_its_documented_default_is_not_reported():
    assert found(GOOD + "    header: false\n") == []
    assert found(GOOD + "    header: true\n") == [("LF215", 12)]


DOCUMENTED_DEFAULTS = {
    "header": False,
    "give_write": False,
    "rediscovery_policy": "FULL_DISCOVERY",
    "execute_strategy": "MANNUAL",
}  # every "The default value is ..." of the reference


def test_the_schema_shows_only_documented_defaults():
    schema = json.loads((ROOT / "schemas/job.schema.json").read_text())
    defaults = {}

    def walk(node):
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                if isinstance(sub, dict) and "default" in sub:
                    defaults[name] = sub["default"]
            for value in node.values():
                walk(value)

    walk(schema)
    assert defaults == DOCUMENTED_DEFAULTS


# -- cascades ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("source", [DLF_SOURCE, JDBC_SOURCE, ""])
def test_a_misspelt_datasource_type_yields_only_lf104(source):
    spec = MIGRATION.replace(
        JDBC_SOURCE,
        source.replace(source.split("\n")[0], "    datasource_type: DLF")
        if source
        else "    datasource_type: DLF\n    datasource_parameter: {}\n",
    )
    [d] = lint_text(spec, "job.yaml")
    assert d.rule == "LF104" and d.suggestion == "ALIYUN_DLF"


@pytest.mark.parametrize(
    "schedule",
    [
        # not LF306:
        "execute_strategy: SCHEDULED\n    execute_frequency: MONTHLY\n    execute_day: 1\n    execute_hour: 2\n",
        # LF302/4:
        "execute_strategy: SCHEDULE\n    execute_frequency: MONLY\n    execute_day: '*'\n    execute_hour: '*'\n",
        "execute_strategy: SCHEDULE\n    execute_frequency: hourly\n    execute_day: '*'\n    execute_hour: '*'\n",
    ],
)
def test_a_misspelt_schedule_value_yields_only_lf104(schedule):
    assert [r for r, _ in found(GOOD + "    " + schedule + "    execute_minute: 30\n")] == ["LF104"]


def test_misspelt_policy_type_yields_only_lf104():
    spec = (
        "name: perm_job\ntype: PERMISSION_MIGRATION\nparameter:\n  permission_migration_parameter:\n"
        "    location: obs://corp-policies/x\n    log_location: obs://corp-logs/p\n    policy_type: Ranger\n"
        "    instance_id: abc\n    catalog_id: hive\n"
        "    ranger_permission_migration_principal_relas: {user_to: IAM_USER}\n"
    )
    assert found(spec) == [("LF104", 7)]


def test_only_structure_is_reported_in_an_ignored_block():
    spec = (
        GOOD
        + """\
  metadata_migration_parameter:
    datasource_type: MRS_RDS_FOR_MYSQL
    datasource_parameter: {jdbc_url: "jdbc:protocol://host:port/db_name", password: hunter2}
    sync_objects: [TABLE, TABLE]
    log_location: obs://logStore/2023
    locations: [{key: /a, value: ""}, {key: /a, value: /b}]
    network_type: VPC_PEERING
    conflict_strategy: UPDATE
    secret: 1
"""
    )
    assert found(spec) == [
        ("LF101", 12),
        ("LF101", 12),
        ("LF101", 12),  # the service parses the block: missing fields, ...
        ("LF202", 12),  # ... the block itself, ...
        ("LF501", 14),  # ... a literal secret (it leaks from git whether or not the block runs), ...
        ("LF104", 19),
        ("LF102", 20),  # ... an invalid enum value and an unknown field
    ]  # not LF205, LF208, LF209, LF210, LF203, LF401/LF402: advice about a block that never runs


def test_without_a_valid_type_every_block_is_checked():
    spec = GOOD.replace("type: METADATA_DISCOVERY", "type: DISCOVERY") + "    separator: ','\n"
    assert [r for r, _ in found(spec)] == ["LF104", "LF215"]


def test_a_bare_schedule_is_one_finding_naming_every_missing_field():
    [d] = lint_text(GOOD + "    execute_strategy: SCHEDULE\n", "job.yaml")
    assert d.rule == "LF301"
    assert d.message == (
        "execute_strategy SCHEDULE needs `execute_frequency`, `execute_day`, `execute_hour` and `execute_minute`"
    )


def test_missing_connection_fields_are_one_finding():
    spec = MIGRATION.replace(JDBC_SOURCE, "    datasource_type: ALIYUN_DLF\n    datasource_parameter: {}\n")
    [d] = lint_text(spec, "job.yaml")
    assert d.rule == "LF206" and "`endpoint`, `access_key` and `secret_key`" in d.message


# -- messages ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value,says",
    [
        ("discover-sales", "`-` at character 9 is not allowed"),
        ("discover sales", "a space at character 9 is not allowed"),
        ("a-b.c_d", "`-` at character 2 is not allowed (and 1 other)"),
        ("job\u200bname", "U+200B at character 4 is not allowed"),
    ],
)
def test_lf105_names_the_character_and_where(value, says):
    d = only(GOOD.replace("discover_sales", json.dumps(value)), "LF105")
    assert says in d.message and d.message.count("only") == 1, d.message


@pytest.mark.parametrize(
    "spec",
    [
        GOOD.replace("discover_sales", '""'),
        GOOD + "    principals: [{principal_type: USER, principal_source: IAM, principal_name: ''}]\n",
        "name: perm_job\ntype: PERMISSION_MIGRATION\nparameter:\n  permission_migration_parameter:\n"
        "    location: obs://corp-policies/x\n    log_location: obs://corp-logs/p\n    policy_type: RANGER\n"
        "    instance_id: abc\n    file_name: ''\n",
    ],
)
def test_an_empty_string_is_a_length_problem_only(spec):
    assert [r for r, _ in found(spec)] == ["LF106"]


def test_username_message_says_only_once():
    spec = MIGRATION.replace("username: hive", "username: hive.reader")
    d = only(spec, "LF105")
    assert d.message.count("only") == 1 and "`.` at character 5" in d.message


def test_file_discovery_type_values_agree_with_lf109():
    d = only(GOOD.replace("PARQUET", "parquet"), "LF104")
    assert "TEXT" not in d.message and d.suggestion == "PARQUET"
    assert "ALL" in d.message


@pytest.mark.parametrize(
    "value,name", [('"', "DOUBLE_QUOTE"), ("'", "SINGLE_QUOTE"), ("\0", "NULL_QUOTE"), ("\\u0000", "NULL_QUOTE")]
)
def test_quote_character_suggests_its_name(value, name):
    d = only(GOOD.replace("PARQUET", "CSV") + f"    quote: {json.dumps(value)}\n", "LF104")
    assert d.suggestion == name and f"did you mean {name}?" in d.message


@pytest.mark.parametrize("field,meant", [("principal_id", "principal_name"), ("principal_kind", "principal_type")])
def test_principal_field_suggestion_prefers_the_same_role(field, meant):
    spec = GOOD + f"    principals:\n      - {{principal_type: USER, principal_source: IAM, {field}: x}}\n"
    d = only(spec, "LF102")
    assert d.suggestion == meant


@pytest.mark.parametrize(
    "typo,meant",
    [
        ("vpc_id", "accepted_vpc_id"),
        ("owner", "default_owner"),
        ("log_path", "log_location"),
        ("sample_rate", "file_sample_rate"),
        ("execute_date", "execute_day"),
    ],
)
def test_field_suggestions_by_suffix_and_role(typo, meant):
    spec = (MIGRATION if typo in ("vpc_id",) else GOOD) + f"    {typo}: x\n"
    assert only(spec, "LF102").suggestion == meant


@pytest.mark.parametrize(
    "bucket,says",
    [
        ("logStore", "uppercase `S` at character 4"),
        ("sales_data", "`_` at character 6"),
        ("ab", "it has 2 characters; a bucket name has 3 to 63"),
        ("a" * 64, "it has 64 characters"),
        ("-sales", "it starts with `-`"),
        ("sales.", "it ends with `.`"),
        ("sales..data", "`..` at character 6"),
        ("sales.-data", "`.-` at character 6"),
        ("192.168.1.10", "IP address"),
    ],
)
def test_lf402_says_why(bucket, says):
    d = only(GOOD.replace("obs://sales-data/raw", f"obs://{bucket}/raw"), "LF402")
    assert says in d.message and json.dumps(bucket) in d.message, d.message


@pytest.mark.parametrize("bucket", ["sales-data", "abc", "a" * 63, "sales.data.2024", "1sales"])
def test_valid_buckets(bucket):
    assert found(GOOD.replace("obs://sales-data/raw", f"obs://{bucket}/raw")) == []


def test_lf501_names_a_placeholder_for_the_key():
    spec = MIGRATION.replace(
        JDBC_SOURCE,
        DLF_SOURCE.replace("${ALIBABA_CLOUD_ACCESS_KEY_ID}", "LTAI5tAbCdEf").replace(
            "${ALIBABA_CLOUD_ACCESS_KEY_SECRET}", "s3cr3tValue"
        ),
    )
    messages = sorted(d.message for d in lint_text(spec, "job.yaml"))
    assert len(messages) == 2 and "${ALIBABA_CLOUD_ACCESS_KEY_ID}" in messages[0]
    assert "${ALIBABA_CLOUD_ACCESS_KEY_SECRET}" in messages[1]
    assert not any("LTAI5" in m or "s3cr3t" in m or "LF_DB" in m for m in messages)
    [d] = lint_text(MIGRATION.replace("${LF_DB_PASSWORD}", "hunter2"), "job.yaml")
    assert "${LF_DB_PASSWORD}" in d.message


@pytest.mark.parametrize("style,rule", [("|-", "LF106"), (">-", "LF106"), ("|", "LF105"), (">", "LF105")])
def test_a_finding_on_a_block_scalar_points_at_the_value(style, rule):
    spec = GOOD.replace("name: discover_sales", f"name: {style}\n  job\n")
    [d] = lint_text(spec, "job.yaml")
    assert (d.rule, d.line, d.column, d.end_line, d.end_column) == (rule, 1, 7, 2, 6)
    if rule == "LF105":  # the kept final line break is the character not allowed
        assert "a line break at character 4" in d.message


def test_a_multiline_quoted_value_is_located_at_the_value():
    spec = GOOD.replace("name: discover_sales", "name: 'discover\n  sales'")
    [d] = lint_text(spec, "job.yaml")
    assert (d.rule, d.line, d.column, d.end_line, d.end_column) == ("LF105", 1, 7, 2, 9)
