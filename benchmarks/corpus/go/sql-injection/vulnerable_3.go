package repo

import (
	"fmt"

	"gorm.io/gorm"
)

type Order struct{ ID, Status string }

func OrdersByStatus(db *gorm.DB, status string) ([]Order, error) {
	var orders []Order
	err := db.Where(fmt.Sprintf("status = '%s'", status)).Find(&orders).Error // VULN
	return orders, err
}
