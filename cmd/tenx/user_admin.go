package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"tenx"
)

// userStandingCommand runs `tenx user disable|enable --email E`: what the
// platform admin API does, for an operator at the server's shell. The
// audit row names the command line (tenx.CLIActor) as the actor. Other
// instances see it within a second; their sessions of the user end at once.
func userStandingCommand(ctx context.Context, cfg config, args []string, stdout, stderr io.Writer) error {
	verb := args[0]
	fs := flag.NewFlagSet("user "+verb, flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "the user's email")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *email == "" {
		return fmt.Errorf("usage: tenx user %s --email E", verb)
	}
	db, err := openStore(ctx, cfg, cfg.AutoMigrate)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.FindUserByEmail(ctx, *email)
	if err != nil {
		return errors.New(tenx.ErrorMessage(err))
	}
	if verb == "disable" {
		ended, err := db.DisableUser(ctx, u.ID)
		if err != nil {
			return errors.New(tenx.ErrorMessage(err))
		}
		fmt.Fprintf(stdout, "disabled user %s (%s); ended %d sessions\n", u.ID, u.Email, len(ended))
		return nil
	}
	if err := db.EnableUser(ctx, u.ID); err != nil {
		return errors.New(tenx.ErrorMessage(err))
	}
	fmt.Fprintf(stdout, "enabled user %s (%s)\n", u.ID, u.Email)
	return nil
}
