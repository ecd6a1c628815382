"""One test per decision in docs/ambiguities.md, and the reference's own example request linted exactly."""

import json
from pathlib import Path

import pytest
from conftest import GOOD

from lflint import lint_text
from lflint.schema import schema_at

REFERENCE = (Path(__file__).parent / "fixtures/reference-example.json").read_text()
SCHEDULED = (
    GOOD + "    execute_strategy: SCHEDULE\n    execute_frequency: WEEKLY\n"
    "    execute_day: 1\n    execute_hour: 2\n    execute_minute: 30\n"
)


def rules(text, filename="job.yaml"):
    return [(d.rule, d.line) for d in lint_text(text, filename)]


def messages(text):
    return [d.message for d in lint_text(text, "job.yaml")]


def test_1_schedule_values_as_integer_or_string():
    assert rules(SCHEDULED) == []
    assert (
        rules(SCHEDULED.replace("execute_day: 1", 'execute_day: "1"').replace("execute_hour: 2", 'execute_hour: "2"'))
        == []
    )
    assert rules(SCHEDULED.replace("execute_day: 1", "execute_day: 9")) == [("LF302", 14)]
    assert rules(SCHEDULED.replace("execute_day: 1", 'execute_day: "9"')) == [("LF302", 14)]


def test_2_mannual_is_the_wire_spelling():
    assert rules(GOOD + "    execute_strategy: MANNUAL\n") == []
    [message] = messages(GOOD + "    execute_strategy: MANUAL\n")
    assert "did you mean MANNUAL?" in message and "API's own spelling" in message


def test_3_migration_conflict_strategy_is_upsert_only():
    spec = REFERENCE.replace('"conflict_strategy" : "UPSERT"', '"conflict_strategy" : "UPDATE"')
    found = [
        d for d in lint_text(spec, "job.json") if d.pointer.endswith("metadata_migration_parameter/conflict_strategy")
    ]
    assert [d.rule for d in found] == ["LF104"] and "response example" in found[0].message


def test_4_text_is_a_warning():
    [d] = lint_text(GOOD.replace("PARQUET", "TEXT"), "job.yaml")
    assert (d.rule, d.severity) == ("LF109", "warning")


def test_5_monly_suggests_monthly():
    [d] = [d for d in lint_text(SCHEDULED.replace("WEEKLY", "MONLY"), "job.yaml") if d.rule == "LF104"]
    assert d.suggestion == "MONTHLY" and "typo" in d.message


def test_6_execute_date_is_not_a_field():
    [d] = lint_text(GOOD + "    execute_date: 1\n", "job.yaml")
    assert (d.rule, d.suggestion) == ("LF102", "execute_day")


def test_7_blocks_of_other_types():
    assert ("LF202", 32) in rules(REFERENCE, "job.json")
    assert [r for r, _ in rules(GOOD.replace("METADATA_DISCOVERY", "METADATA_MIGRATION"))] == ["LF201", "LF202"]
    # inside an ignored block only structure is reported: a CSV option on PARQUET (LF215) is not, an invalid
    # enum value (LF104) is
    spec = GOOD.replace("METADATA_DISCOVERY", "METADATA_MIGRATION") + "    separator: ','\n    quote: x\n"
    assert [r for r, _ in rules(spec)] == ["LF201", "LF202", "LF104"]


@pytest.mark.parametrize("char", list('<>:"/\\|?*'))
def test_8_file_name_characters(char):
    spec = (
        "name: perm_job\ntype: PERMISSION_MIGRATION\nparameter:\n  permission_migration_parameter:\n"
        "    location: obs://corp-policies/ranger\n    file_name: 'policies"
        + char.replace("'", "''")
        + ".json'\n    log_location: obs://corp-logs/p\n    policy_type: RANGER\n    instance_id: abc\n"
    )
    assert rules(spec) == [("LF105", 6)]
    assert rules(spec.replace("policies" + char.replace("'", "''"), "policies")) == []


def test_9_catalog_id_for_dlf():
    spec = (
        "name: perm_job\ntype: PERMISSION_MIGRATION\nparameter:\n  permission_migration_parameter:\n"
        "    location: obs://corp-policies/dlf\n    log_location: obs://corp-logs/p\n    policy_type: DLF\n"
        "    instance_id: abc\n"
    )
    assert rules(spec) == [("LF211", 4)]
    assert rules(spec + "    catalog_id: hive\n") == []
    assert rules(spec.replace("DLF", "RANGER") + "    catalog_id: hive\n") == [("LF212", 9)]


def test_10_table_depth_below_one_is_a_warning():
    assert rules(GOOD + "    table_depth: 1\n") == []
    for depth in (0, -1):
        [d] = lint_text(GOOD + f"    table_depth: {depth}\n", "job.yaml")
        assert (d.rule, d.severity, d.line) == ("LF110", "warning", 12) and "states no range" in d.message


def test_11_chinese_job_names():
    assert rules(GOOD.replace("discover_sales", "销售数据发现")) == []
    assert rules(GOOD.replace("discover_sales", "销售 发现")) == [("LF105", 1)]


def test_12_dlf_is_aliyun_dlf():
    spec = REFERENCE.replace('"datasource_type" : "ALIYUN_DLF"', '"datasource_type" : "DLF"')
    [d] = [d for d in lint_text(spec, "job.json") if d.rule == "LF104" and "datasource_type" in d.pointer]
    assert "ALIYUN_DLF" in d.message
    assert not {"LF205", "LF206", "LF207"} & {r for r, _ in rules(spec, "job.json")}  # no cascade


def test_13_reference_example_findings():
    """Each finding is justified in docs/ambiguities.md ("The reference's example request")."""
    found = [
        (d.line, d.rule, d.pointer.replace("/parameter/", "").replace("_parameter", ""))
        for d in lint_text(REFERENCE, "reference.json")
    ]
    assert found == [
        (9, "LF207", "metadata_migration/datasource/jdbc_url"),  # JDBC fields on an ALIYUN_DLF source
        (10, "LF207", "metadata_migration/datasource/username"),
        (11, "LF207", "metadata_migration/datasource/password"),
        (11, "LF501", "metadata_migration/datasource/password"),  # literal credentials
        (13, "LF501", "metadata_migration/datasource/access_key"),
        (14, "LF501", "metadata_migration/datasource/secret_key"),
        (15, "LF207", "metadata_migration/datasource/subnet_ip"),
        (20, "LF402", "metadata_migration/log_location"),  # bucket "logStore" is not a valid OBS bucket
        (21, "LF104", "metadata_migration/sync_objects/0"),  # "string"
        (30, "LF204", "metadata_migration/accepted_vpc_id"),  # with network_type EIP
        (32, "LF202", "permission_migration"),  # blocks for other job types: nothing inside them is advised on
        (51, "LF202", "metadata_discovery"),
    ]


def test_14_accepted_vpc_id_with_eip():
    spec = REFERENCE.replace('"network_type" : "EIP",', '"network_type" : "VPC_PEERING",')
    assert "LF204" not in [r for r, _ in rules(spec, "job.json")]
    [d] = [d for d in lint_text(REFERENCE, "job.json") if d.rule == "LF204"]
    assert d.severity == "warning"


def test_15_schedule_fields_on_a_manual_job():
    fields = "    execute_frequency: DAILY\n    execute_day: '*'\n    execute_hour: 2\n    execute_minute: 30\n"
    assert [r for r, _ in rules(GOOD + fields)] == ["LF306"] * 4  # MANNUAL is the documented default
    assert [r for r, _ in rules(GOOD + "    execute_strategy: MANNUAL\n" + fields)] == ["LF306"] * 4
    assert rules(GOOD + "    execute_strategy: SCHEDULE\n" + fields) == []


PERMISSION = (
    "name: perm_job\ntype: PERMISSION_MIGRATION\nparameter:\n  permission_migration_parameter:\n"
    "    location: obs://corp-policies/p\n    log_location: obs://corp-logs/p\n    policy_type: RANGER\n"
    "    instance_id: abc\n    ranger_permission_migration_principal_relas: {user_to: IAM_USER}\n"
)


def test_16_ranger_mapping_only_with_ranger():
    assert rules(PERMISSION) == []
    assert rules(PERMISSION.replace("RANGER", "LAKEFORMATION")) == [("LF213", 9)]
    assert rules(PERMISSION.replace("RANGER", "DLF") + "    catalog_id: hive\n") == [("LF213", 9)]


def test_17_jdbc_fields_on_an_aliyun_dlf_source():
    found = [
        (d.rule, d.pointer.rsplit("/", 1)[1]) for d in lint_text(REFERENCE, "job.json") if d.rule in ("LF205", "LF207")
    ]
    assert found == [("LF207", "jdbc_url"), ("LF207", "username"), ("LF207", "password"), ("LF207", "subnet_ip")]


MIGRATION = REFERENCE[: REFERENCE.index(',\n    "permission_migration_parameter"')] + "\n  }\n}\n"


def test_18_connection_fields_each_type_needs():
    dlf = (
        MIGRATION.replace('"jdbc_url" : "jdbc:protocol://host:port/db_name",', "")
        .replace('"username" : "root",', "")
        .replace('"password" : "password",', "")
        .replace(',\n        "subnet_ip" : "127.0.0.1"', "")
    )
    assert "LF206" not in [r for r, _ in rules(dlf, "job.json")]
    [d] = [d for d in lint_text(dlf.replace('"endpoint" : "xxxx.com",', ""), "job.json") if d.rule == "LF206"]
    assert "`endpoint`" in d.message
    mysql = (
        MIGRATION.replace("ALIYUN_DLF", "MRS_RDS_FOR_MYSQL")
        .replace('"jdbc_url" : "jdbc:protocol://host:port/db_name",', "")
        .replace('"username" : "root",', "")
    )
    [d] = [d for d in lint_text(mysql, "job.json") if d.rule == "LF206"]
    assert "`jdbc_url` and `username`" in d.message and "password" not in d.message


@pytest.mark.parametrize("field,line", [("log_location", 10), ("data_location", 5)])
def test_19_log_and_data_locations_are_obs_paths(field, line):
    spec = GOOD.replace(f"{field}: obs://", f"{field}: hdfs://")
    assert rules(spec) == [("LF401", line)]


def test_20_network_type_has_no_default():
    spec = MIGRATION.replace('"network_type" : "EIP",', "")
    assert not {"LF203", "LF204"} & {r for r, _ in rules(spec, "job.json")}


def test_21_empty_password_and_keys_mean_none():
    spec = MIGRATION
    for value in ("password", "LTAIxxxxxxxxxxxxxxxxRxPG", "12345xxxxxxxxxxxxxxxxNabcdefgh"):
        spec = spec.replace(f': "{value}"', ': ""')
    assert [r for r, _ in rules(spec, "job.json")] == [r for r, _ in rules(MIGRATION, "job.json") if r != "LF501"]


@pytest.mark.parametrize("char,name", [('"', "DOUBLE_QUOTE"), ("'", "SINGLE_QUOTE"), ("\0", "NULL_QUOTE")])
def test_22_quote_takes_the_name_not_the_character(char, name):
    [d] = lint_text(GOOD.replace("PARQUET", "CSV") + f"    quote: {json.dumps(char)}\n", "job.yaml")
    assert (d.rule, d.suggestion) == ("LF104", name) and "character's name" in d.message


def test_23_instance_id_is_not_compared_with_the_path():
    for value in ("string", "2180518f-42b8-4947-b20b-adfc53981a25", "abcdefgh12345678abcdefgh12345678"):
        assert rules(GOOD.replace("2180518f42b84947b20badfc53981a25", value)) == []


def test_24_ignore_obs_checked_has_no_default():
    spec = MIGRATION.replace('"ignore_obs_checked" : false,', "")
    assert [r for r, _ in rules(spec, "job.json")] == [r for r, _ in rules(MIGRATION, "job.json")]
    assert "default" not in schema_at(["parameter", "metadata_migration_parameter", "ignore_obs_checked"])


def test_25_which_weekday_is_one_is_unknown():
    [d] = lint_text(SCHEDULED.replace("execute_day: 1", "execute_day: 8"), "job.yaml")
    assert d.rule == "LF302" and "does not say which weekday 1 is" in d.message
    assert (
        "which weekday 1 is" in schema_at(["parameter", "metadata_discovery_parameter", "execute_day"])["description"]
    )


@pytest.mark.parametrize("endpoint", ["xxxx.com", "protocol://xxxx.xxxx.com", "https://dlf.cn-hangzhou.aliyuncs.com"])
def test_26_endpoint_with_or_without_scheme(endpoint):
    spec = MIGRATION.replace('"endpoint" : "xxxx.com"', f'"endpoint" : "{endpoint}"')
    assert [r for r, _ in rules(spec, "job.json")] == [r for r, _ in rules(MIGRATION, "job.json")]


@pytest.mark.parametrize("source", ["IAM", "SAML", "LDAP", "LOCAL", "AGENTTENANT", "OTHER"])
def test_27_every_principal_source_of_the_reference(source):
    spec = GOOD + f"    principals: [{{principal_type: USER, principal_source: {source}, principal_name: u1}}]\n"
    assert rules(spec) == []


def test_28_partition_without_table():
    spec = MIGRATION.replace('[ "string" ]', '[ "PARTITION" ]')
    assert "LF210" not in [r for r, _ in rules(spec, "job.json")]


def test_29_text_discovery_takes_csv_options():
    spec = GOOD.replace("PARQUET", "TEXT") + "    separator: ';'\n    header: true\n"
    assert [r for r, _ in rules(spec)] == ["LF109"]


def test_30_placeholder_jdbc_url_on_a_jdbc_source():
    spec = MIGRATION.replace("ALIYUN_DLF", "MRS_RDS_FOR_PG")
    [d] = [d for d in lint_text(spec, "job.json") if d.rule == "LF205"]
    assert "jdbc:postgresql://host[:port]/database" in d.message


def test_yaml_dates_are_strings():
    assert rules(GOOD + "    default_owner: 2024-01-01\n") == []
