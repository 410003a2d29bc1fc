"""The jieba + scikit-learn classifier and its fusion with the rule layer."""
