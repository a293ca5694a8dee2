package main

import (
	"fmt"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// signUp creates an account in the dashboard as a new user would. A taken
// email and a password the server refuses are explained first, in the
// words of the error envelope; then the new account is signed in and
// offered the new-handle form.
func (b *browserTab) signUp(takenEmail, email, password string) {
	b.t.Helper()
	b.do("open the sign-up form", chromedp.Click(chromedp.ID("show-signup")), chromedp.WaitVisible(chromedp.ID("signup-form")))
	b.waitJS("focus on the sign-up email", `document.activeElement && document.activeElement.id === "signup-email"`)
	b.do("sign up with a taken email",
		chromedp.SendKeys(chromedp.ID("signup-email"), takenEmail),
		chromedp.SendKeys(chromedp.ID("signup-password"), password),
		chromedp.Click(chromedp.ID("signup-submit")),
		chromedp.WaitVisible(chromedp.ID("signup-error")))
	b.wantText("signup-error", "An account with this email already exists")
	b.wantText("signup-error", "Error code: conflict")
	b.do("sign up with a password the server refuses",
		emptyField("signup-email"),
		chromedp.SendKeys(chromedp.ID("signup-email"), email),
		emptyField("signup-password"),
		chromedp.SendKeys(chromedp.ID("signup-password"), "short"),
		chromedp.Click(chromedp.ID("signup-submit")))
	b.waitJS("the validation error", `document.getElementById("signup-error").textContent.includes("validation_error")`)
	b.wantText("signup-error", "The server did not accept the password")
	b.waitJS("the password marked invalid", `document.getElementById("signup-password").getAttribute("aria-invalid") === "true"`)
	b.shot("dashboard-signup-error.png")
	b.do("sign up with the keyboard",
		emptyField("signup-password"),
		chromedp.SendKeys(chromedp.ID("signup-password"), password+kb.Enter),
		chromedp.WaitVisible(chromedp.ID("no-handles")))
	b.wantText("account-email", email)
	b.waitJS("the new-handle form, open", `document.getElementById("handle-new").open && document.getElementById("handle-field").hidden`)
	b.shot("dashboard-no-handles.png")
}

// createHandle creates a handle in the dashboard: a taken name and a name
// that cannot be a handle are explained first. The new handle is picked.
func (b *browserTab) createHandle(taken, handle, displayName string) {
	b.t.Helper()
	b.do("create a taken handle",
		chromedp.SendKeys(chromedp.ID("handle-new-name"), taken),
		chromedp.Click(chromedp.ID("handle-new-submit")),
		chromedp.WaitVisible(chromedp.ID("handle-new-error")))
	b.wantText("handle-new-error", "The handle @"+taken+" is taken")
	b.wantText("handle-new-error", "Error code: conflict")
	b.do("create a handle with a name that cannot be one",
		emptyField("handle-new-name"),
		chromedp.SendKeys(chromedp.ID("handle-new-name"), "No Spaces"),
		chromedp.Click(chromedp.ID("handle-new-submit")))
	b.waitJS("the rule for handle names", `document.getElementById("handle-new-error").textContent.includes("lower-case letters")`)
	b.shot("dashboard-handle-error.png")
	b.do("create the handle",
		emptyField("handle-new-name"),
		chromedp.SendKeys(chromedp.ID("handle-new-name"), handle),
		chromedp.SendKeys(chromedp.ID("handle-new-display"), displayName),
		chromedp.Click(chromedp.ID("handle-new-submit")))
	b.waitJS("the new handle, picked", `document.getElementById("tokens-handle").textContent === "@`+handle+`" &&
		document.getElementById("handle-select").value === "`+handle+`" && !document.getElementById("handle-new").open`)
	b.wantText("app-notice", "was created")
	b.waitJS("its empty token list", `document.getElementById("tokens-status").textContent.includes("no active API tokens")`)
	b.shot("dashboard-handle-created.png")
}

// emptyField empties an input as a user deleting its text would.
// chromedp.Clear only resets the value attribute, which a field the user
// has typed into no longer follows.
func emptyField(id string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.getElementById(%q).value = ""`, id))
}
