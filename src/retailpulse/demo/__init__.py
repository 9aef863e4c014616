"""retailpulse.demo: a seeded, deterministic generator of a realistic multilingual retailer.

from retailpulse.demo import generate, export
data = generate(size="small", seed=7)   # kind -> polars.DataFrame, plus data.truth
export(data, "demo-files")               # <kind>.csv per kind, ready for import
"""

from retailpulse.demo.export import export
from retailpulse.demo.generate import SIZES, DemoData, generate, ground_truth

__all__ = ["SIZES", "DemoData", "export", "generate", "ground_truth"]
