"""The page of every API list: ``?page=`` and ``?page_size=`` (at most 100), with a count
that never scans a whole long list (``carta.pages.CappedPaginator``): ``count`` is exact
up to ``COUNT_LIMIT`` rows, and ``count_exact`` is false when there are more than
``count`` (the pages still follow one another through ``next``)."""

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from carta.pages import CappedPaginator


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100
    django_paginator_class = CappedPaginator

    def get_page_number(self, request, paginator):
        if request.query_params.get(self.page_query_param) in self.last_page_strings:
            paginator.limit = 10**12  # the last page is asked for: count to the end
        return super().get_page_number(request, paginator)

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "count_exact": self.page.paginator.count_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"]["description"] = (
            "How many rows match, exact up to a limit; a lower bound when count_exact is false"
        )
        response["properties"] = {
            "count": response["properties"]["count"],
            "count_exact": {
                "type": "boolean",
                "description": "False when more rows match than count says",
            },
            **{k: v for k, v in response["properties"].items() if k != "count"},
        }
        response["required"] = [*response["required"], "count_exact"]
        return response
