package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"tenx"
	"tenx/auth"
)

// userCommand runs `tenx user create --email E [--admin]`, reading the
// password from the first line of stdin so it never shows in `ps`.
func userCommand(ctx context.Context, cfg config, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 && (args[0] == "disable" || args[0] == "enable") {
		return userStandingCommand(ctx, cfg, args, stdout, stderr)
	}
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: tenx user create --email E [--admin] < password | tenx user disable|enable --email E")
	}
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "the user's email")
	admin := fs.Bool("admin", false, "make the user a platform admin")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	password, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read password: %w", err)
	}
	password = strings.TrimRight(password, "\r\n")
	db, err := openStore(ctx, cfg, cfg.AutoMigrate)
	if err != nil {
		return err
	}
	defer db.Close()
	sessions := &auth.Sessions{Users: db, Hasher: auth.DefaultPasswordHasher(), Now: time.Now}
	u, err := sessions.Signup(ctx, *email, password, *admin)
	if err != nil {
		return errors.New(tenx.ErrorMessage(err))
	}
	fmt.Fprintf(stdout, "created user %s (%s) admin=%t\n", u.ID, u.Email, u.IsAdmin)
	return nil
}
