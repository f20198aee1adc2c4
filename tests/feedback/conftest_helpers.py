from audits.reviews.selectors import review_in_council
from tests.audits.conftest import complete_psr


def complete_all_but_feedback(world):
    review = complete_psr(world.allocate(), world.service_manager)
    review.feedback.delete()
    return review_in_council(council=world.council, pk=review.pk)
