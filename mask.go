package pursuit

import "strings"

// MaskEmail hides an email address's local part but its first character:
// "jane.doe@springfield.gov" becomes "j•••@springfield.gov". The domain
// stays visible: it names the place, which the customer can see anyway.
func MaskEmail(email string) string {
	if email == "" {
		return ""
	}
	at := strings.LastIndexByte(email, '@')
	if at <= 0 {
		return "•••"
	}
	first := []rune(email[:at])[0]
	return string(first) + "•••" + email[at:]
}

// MaskPhone hides all but the last four digits of a phone number:
// "(217) 555-0142" becomes "•••-•••-0142".
func MaskPhone(phone string) string {
	if phone == "" {
		return ""
	}
	var digits []byte
	for i := 0; i < len(phone); i++ {
		if phone[i] >= '0' && phone[i] <= '9' {
			digits = append(digits, phone[i])
		}
	}
	if len(digits) < 4 {
		return "•••-•••-••••"
	}
	return "•••-•••-" + string(digits[len(digits)-4:])
}

// Masked returns a copy of the contact with email and phone masked when
// access is AccessMasked, and the contact unchanged otherwise.
func (c Contact) Masked(access string) Contact {
	if access != AccessFull {
		c.Email = MaskEmail(c.Email)
		c.Phone = MaskPhone(c.Phone)
	}
	return c
}
