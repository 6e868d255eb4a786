"""Form helpers every app's views share."""

from django.core.exceptions import ValidationError


def add_errors(form, error: ValidationError) -> None:
    """Put an action's refusal on the form: on the field it names, if the form
    has that field, else as a form-wide error, so it is shown beside the input."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
