package repo

import "gorm.io/gorm"

type Order struct{ ID, Status string }

func OrdersByStatus(db *gorm.DB, status string) ([]Order, error) {
	var orders []Order
	err := db.Where("status = ?", status).Find(&orders).Error
	return orders, err
}
