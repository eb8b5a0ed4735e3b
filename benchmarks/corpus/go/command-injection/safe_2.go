package backup

import (
	"context"
	"os"
	"os/exec"
)

func Dump(ctx context.Context, database, target string) error {
	out, err := os.Create(target)
	if err != nil {
		return err
	}
	defer out.Close()
	cmd := exec.CommandContext(ctx, "pg_dump", "--", database)
	cmd.Stdout = out
	return cmd.Run()
}
