# The parts of django-mptt that Colloquy uses, typed: the package ships no types, and
# without these a model built on MPTTModel is not a model to django-stubs.
