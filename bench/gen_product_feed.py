#!/usr/bin/python3
"""Writes an Ordergroove XML product feed with N products to stdout, for import benchmarks:
   bench/gen_product_feed.py 1000000 > feed.xml
Every product has every tag; names use CDATA and entities so the parser's slow paths run."""
import sys


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    out = sys.stdout
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<products>\n')
    for i in range(n):
        out.write(
            f"<product><product_id>P{i:08d}</product_id><sku>SKU-{i}</sku>"
            f"<name><![CDATA[Caf\u00e9 & Co. blend #{i} <500g>]]></name>"
            f"<price>{i % 10000}.{i % 100:02d}</price><in_stock>{1 if i % 7 else 0}</in_stock>"
            f"<discontinued>0</discontinued><autoship_eligible>1</autoship_eligible>"
            f"<details_url>https://shop.example.com/p/{i}?a=1&amp;b=2</details_url>"
            f"<image_url>https://cdn.example.com/{i}.jpg</image_url>"
            f"<every>1</every><every_period>3</every_period>"
            f'<extra_data><field key="color">red</field></extra_data></product>\n')
    out.write("</products>\n")


if __name__ == "__main__":
    main()
