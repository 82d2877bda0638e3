from .metrics import *  # noqa: F401,F403
from .det_benchmark import (build_rows, describe_config, hmean_at,
                            parse_published, plot_chart, score_predictions,
                            to_markdown, write_csv)

__all__ = [
    'build_rows', 'describe_config', 'hmean_at', 'parse_published',
    'plot_chart', 'score_predictions', 'to_markdown', 'write_csv'
]
