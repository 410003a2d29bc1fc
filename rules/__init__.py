"""Rule sets (YAML data) and the engine that matches them against ad text."""

from rules.engine import Hit, Matcher, default_matcher
from rules.loader import ARTICLES, CATEGORIES, Rule, RuleSet, RuleSyntaxError, load_ruleset
from rules.normalize import Normalized, normalize

__all__ = [
    "ARTICLES", "CATEGORIES", "Hit", "Matcher", "Normalized", "Rule", "RuleSet", "RuleSyntaxError",
    "default_matcher", "load_ruleset", "normalize",
]
