"""What both training-data checkers share: the record fields and the taxonomy identifiers (standard library only).

The identifiers are those of shared/spec/taxonomy.md and src/proportion/knowledge/taxonomy.yaml;
tests/test_training_data.py checks that the three agree.
"""

FIELDS = ["id", "doc", "number", "heading", "text", "categories", "mechanisms", "notes"]
CATEGORIES = ["output-accuracy", "confidentiality", "security", "training-use", "derived-data", "retention",
              "subprocessors", "privacy", "output-ownership", "ip-infringement", "acceptable-use", "model-change",
              "suspension", "oversight", "regulatory"]
MECHANISMS = ["definition", "grant", "restriction", "obligation", "warranty", "disclaimer", "liability-cap",
              "damages-exclusion", "carve-out", "indemnity", "remedy", "suspension-right", "notice", "audit",
              "insurance"]
