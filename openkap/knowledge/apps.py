from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "openkap.knowledge"
    label = "knowledge"
    verbose_name = "Clinical knowledge: rule packs, instruments, clinic rules"
