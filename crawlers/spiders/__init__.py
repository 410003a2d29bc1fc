"""One spider per source kind; a target's options come from ``targets.yaml``."""

from crawlers.spiders.ecommerce import EcommerceSpider
from crawlers.spiders.web import WebSpider
from crawlers.spiders.wechat import WeChatSpider

SPIDERS = {"web": WebSpider, "wechat": WeChatSpider, "ecommerce": EcommerceSpider}

__all__ = ["SPIDERS", "EcommerceSpider", "WeChatSpider", "WebSpider"]
