"""django-axes under a Chinese name in the admin (登录安全); its labels are in ``locale/zh_Hans``."""

from axes.apps import AppConfig


class AxesConfig(AppConfig):
    verbose_name = "登录安全"
