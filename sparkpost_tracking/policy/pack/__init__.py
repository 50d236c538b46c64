"""The folder ``pulumi preview --policy-pack`` runs: ``PulumiPolicy.yaml`` and ``__main__.py``."""
