import retailpulse


def test_exported_members() -> None:
    assert len(set(retailpulse.__all__)) == len(retailpulse.__all__)  # order: ruff RUF022
    for name in retailpulse.__all__:
        assert hasattr(retailpulse, name)
