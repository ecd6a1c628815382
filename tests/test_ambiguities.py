"""One test per decision in docs/ambiguities.md, and the reference's own example request linted exactly."""

from pathlib import Path

import pytest

from conftest import GOOD

from lflint import lint_text

REFERENCE = (Path(__file__).parent / "fixtures/reference-example.json").read_text()
SCHEDULED = GOOD + "    execute_strategy: SCHEDULE\n    execute_frequency: WEEKLY\n" \
                   "    execute_day: 1\n    execute_hour: 2\n    execute_minute: 30\n"


def rules(text, filename="job.yaml"):
    return [(d.rule, d.line) for d in lint_text(text, filename)]


def messages(text):
    return [d.message for d in lint_text(text, "job.yaml")]


def test_1_schedule_values_as_integer_or_string():
    assert rules(SCHEDULED) == []
    assert rules(SCHEDULED.replace("execute_day: 1", 'execute_day: "1"').replace("execute_hour: 2", 'execute_hour: "2"')) == []
    assert rules(SCHEDULED.replace("execute_day: 1", "execute_day: 9")) == [("LF302", 14)]
    assert rules(SCHEDULED.replace("execute_day: 1", 'execute_day: "9"')) == [("LF302", 14)]


def test_2_mannual_is_the_wire_spelling():
    assert rules(GOOD + "    execute_strategy: MANNUAL\n") == []
    [message] = messages(GOOD + "    execute_strategy: MANUAL\n")
    assert "did you mean MANNUAL?" in message and "API's own spelling" in message


def test_3_migration_conflict_strategy_is_upsert_only():
    spec = REFERENCE.replace('"conflict_strategy" : "UPSERT"', '"conflict_strategy" : "UPDATE"')
    found = [d for d in lint_text(spec, "job.json") if d.pointer.endswith("metadata_migration_parameter/conflict_strategy")]
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


@pytest.mark.parametrize("char", list('<>:"/\\|?*'))
def test_8_file_name_characters(char):
    spec = ("name: perm_job\ntype: PERMISSION_MIGRATION\nparameter:\n  permission_migration_parameter:\n"
            "    location: obs://corp-policies/ranger\n    file_name: 'policies" + char.replace("'", "''") +
            ".json'\n    log_location: obs://corp-logs/p\n    policy_type: RANGER\n    instance_id: abc\n")
    assert rules(spec) == [("LF105", 6)]
    assert rules(spec.replace("policies" + char.replace("'", "''"), "policies")) == []


def test_9_catalog_id_for_dlf():
    spec = ("name: perm_job\ntype: PERMISSION_MIGRATION\nparameter:\n  permission_migration_parameter:\n"
            "    location: obs://corp-policies/dlf\n    log_location: obs://corp-logs/p\n    policy_type: DLF\n"
            "    instance_id: abc\n")
    assert rules(spec) == [("LF211", 4)]
    assert rules(spec + "    catalog_id: hive\n") == []
    assert rules(spec.replace("DLF", "RANGER") + "    catalog_id: hive\n") == [("LF212", 9)]


def test_10_table_depth_at_least_one():
    assert rules(GOOD + "    table_depth: 1\n") == []
    assert rules(GOOD + "    table_depth: 0\n") == [("LF107", 12)]


def test_11_chinese_job_names():
    assert rules(GOOD.replace("discover_sales", "销售数据发现")) == []
    assert rules(GOOD.replace("discover_sales", "销售 发现")) == [("LF105", 1)]


def test_12_dlf_is_aliyun_dlf():
    spec = REFERENCE.replace('"datasource_type" : "ALIYUN_DLF"', '"datasource_type" : "DLF"')
    [d] = [d for d in lint_text(spec, "job.json") if d.rule == "LF104" and "datasource_type" in d.pointer]
    assert "ALIYUN_DLF" in d.message


def test_13_reference_example_findings():
    found = [(d.line, d.rule, d.pointer.replace("/parameter/", "").replace("_parameter", ""))
             for d in lint_text(REFERENCE, "reference.json")]
    assert found == [
        (9, "LF205", "metadata_migration/datasource/jdbc_url"),  # placeholder URL
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
        (32, "LF202", "permission_migration"),  # blocks for other job types
        (35, "LF402", "permission_migration/log_location"),
        (39, "LF213", "permission_migration/ranger_permission_migration_principal_relas"),  # policy_type DLF
        (51, "LF202", "metadata_discovery"),
        (52, "LF402", "metadata_discovery/data_location"),
        (57, "LF215", "metadata_discovery/separator"),  # CSV options on PARQUET
        (58, "LF215", "metadata_discovery/quote"),
        (59, "LF215", "metadata_discovery/escape"),
        (60, "LF215", "metadata_discovery/header"),
        (63, "LF402", "metadata_discovery/log_location"),
        (74, "LF306", "metadata_discovery/execute_frequency"),  # schedule on a MANNUAL job
        (75, "LF306", "metadata_discovery/execute_day"),
        (76, "LF306", "metadata_discovery/execute_hour"),
        (77, "LF306", "metadata_discovery/execute_minute"),
    ]


def test_yaml_dates_are_strings():
    assert rules(GOOD + "    default_owner: 2024-01-01\n") == []
