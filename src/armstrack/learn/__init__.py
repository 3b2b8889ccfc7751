"""Training and measuring the learned layer (``armstrack.events.learned``) on the corpus.

``dataset`` runs the rules over the labelled articles and pairs every rule
candidate with what the labels say of it; ``train`` fits the models, picks
the threshold by cross-validation folded by article, writes the model file,
and reports figures with and without the layer on the dev part (out of fold)
and on the test part (once, for reporting). scikit-learn is needed here only:
the shipped model is plain JSON that the extractor reads without it.
"""
