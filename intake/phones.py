"""Phone numbers: kept in E.164 ("+17135550143"), shown the way people write them."""

import phonenumbers

# Patients are in the United States: a number without a country code is a US number.
PHONE_REGION = "US"


def phone_for_people(e164):
    """"(713) 555-0143" for a US number, "+52 55 1234 5678" for another country's; "" for none. A number saved
    before numbers were checked is shown as it was typed."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return e164
    style = (phonenumbers.PhoneNumberFormat.NATIONAL if number.country_code == 1
             else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, style)
