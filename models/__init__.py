"""Trained pipelines shipped with breakthrough-nlp (installed as ``breakthrough_nlp.models``)."""
