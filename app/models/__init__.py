"""The tables. Models hold columns and relationships only: no serialisation (marshmallow
schemas in app/views/api shape JSON) and no commits (callers own their transactions)."""

from app.models.audit import AuditEvent, LoginFailure, LoginRefusal
from app.models.boundaries import TownshipBoundary, TownshipBoundaryUpload
from app.models.coefficients import Coefficient
from app.models.forms import PublishedForm
from app.models.geography import ZONES, County, Township, Village
from app.models.inspections import Answer, Inspection, InspectionRevision
from app.models.photos import (
    FLAG_KINDS,
    INTEGRITY_FLAG_KINDS,
    LOCATION_FLAG_KINDS,
    PHOTO_TYPES,
    InspectionFlag,
    Photo,
)
from app.models.problems import Problem, ProblemEvent, ProblemPhoto
from app.models.reference_marker import ReferenceMarker
from app.models.settings import Setting
from app.models.sites import SamplingDraw, Site, SiteInspection, SiteInspectionRevision
from app.models.summary import (
    AreaQuarterFigure,
    AreaVillageCount,
    SummaryState,
    VillageQuarterFigure,
)
from app.models.targets import Target
from app.models.users import ROLES, ApiToken, User

__all__ = [
    "ZONES",
    "ROLES",
    "County",
    "Township",
    "Village",
    "User",
    "ApiToken",
    "Inspection",
    "InspectionRevision",
    "Answer",
    "Target",
    "Coefficient",
    "PublishedForm",
    "AuditEvent",
    "LoginFailure",
    "LoginRefusal",
    "Setting",
    "ReferenceMarker",
    "VillageQuarterFigure",
    "AreaQuarterFigure",
    "AreaVillageCount",
    "SummaryState",
    "TownshipBoundary",
    "TownshipBoundaryUpload",
    "Photo",
    "InspectionFlag",
    "PHOTO_TYPES",
    "FLAG_KINDS",
    "INTEGRITY_FLAG_KINDS",
    "LOCATION_FLAG_KINDS",
    "Problem",
    "ProblemEvent",
    "ProblemPhoto",
    "Site",
    "SiteInspection",
    "SiteInspectionRevision",
    "SamplingDraw",
]
