"""Factories of the cluster registry: recognitions and major changes."""

from __future__ import annotations

from datetime import date

import factory

from apps.clusters.models import (
    ClusterStatus,
    MajorChange,
    MajorChangeKind,
    MajorChangeStatus,
    Recognition,
    RecognitionLevel,
)


class RecognitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recognition

    level = RecognitionLevel.MUNICIPAL
    batch_year = 2023
    document_number = factory.LazyAttributeSequence(lambda o, n: f"沪经信企〔{o.batch_year}〕{n + 10}号")
    valid_from = factory.LazyAttribute(lambda o: date(o.batch_year, 7, 1))
    valid_to = factory.LazyAttribute(lambda o: date(o.batch_year + 3, 6, 30))
    status = ClusterStatus.RECOGNISED
    is_current = True


class MajorChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MajorChange

    kind = MajorChangeKind.LEADING_INDUSTRY
    before = "智能传感器"
    after = "MEMS 传感器与智能感知"
    reason = "产业升级，主导产业细分领域调整"
    effective_date = date(2025, 3, 1)
    status = MajorChangeStatus.REPORTED
