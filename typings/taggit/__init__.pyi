# The parts of django-taggit that Colloquy's models build on, typed: the package ships no
# types, and without these a Series (a TagBase) is not a model to django-stubs. Its
# managers stay untyped (taggit.managers is not stubbed, so it reads as Any).
