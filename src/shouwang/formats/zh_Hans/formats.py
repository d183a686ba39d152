"""zh-Hans number grouping as money is written in China's banks and police forms: 1,234,567.00.

Django's zh_Hans formats group by four digits with no separator, so amounts the templates ask to
group ("2g") showed as 2553224 in Chinese and 2,553,224 in English. Everything else (dates, input
formats) still comes from Django's zh_Hans module.
"""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
