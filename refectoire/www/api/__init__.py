"""The partners' API, /<caisse>/api/v1/ (django-ninja): see docs/api.md."""
