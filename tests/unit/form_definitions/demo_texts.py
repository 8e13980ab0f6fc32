"""The smallest published template text the overlay tests start from (`code: demo`, version 1)."""


def demo_template(*fields: str) -> str:
    """A published demo template with a 集群名称 field and, after it, the given field lines
    (each one YAML list item, indented as a field of section s1)."""
    extra = "".join(f"      {line}\n" for field in fields for line in field.splitlines())
    return (
        'code: demo\nversion: "1"\ntitle: 演示表\nsource: 测试\nstatus: published\ndata_years: [2024]\n'
        "sections:\n  - key: s1\n    title: 基本情况\n    fields:\n"
        "      - {key: name, label: 集群名称, kind: text, max_chars: 50}\n" + extra
    )
