from mes.platform import exports


def test_committed_openapi_and_event_schemas_are_current() -> None:
    # a change to an API or an event contract must show up in the committed reference files
    assert exports.main(["--check"]) == 0, "docs/reference is stale: run `make schemas` and commit"
