package backup

import (
	"context"
	"fmt"
	"os/exec"
)

func Dump(ctx context.Context, database, target string) error {
	script := fmt.Sprintf("pg_dump %s | gzip > %s", database, target)
	return exec.CommandContext(ctx, "/bin/bash", "-c", script).Run() // VULN
}
