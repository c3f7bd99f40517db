"""The learned spam filter: the one place that knows scikit-learn and the model's storage.

Everything else calls a handful of functions here, as ``comments/tree.py`` is the one
module that knows django-mptt:

- ``features``: what a comment looks like to the classifier (text n-grams, links, name,
  whether the email is known), as a sparse matrix. Never the IP address.
- ``labels``: the training set, read only from moderators' decisions in the audit log.
- ``training``: cross-validation, thresholds, the final fit, saving a ``SpamModel`` row.
- ``store``: loading the newest model (plain arrays, no pickle), once per process, and
  noticing when another process saved a newer one.
- ``scoring``: the policy's step: a comment's spam probability and what it means.
"""
