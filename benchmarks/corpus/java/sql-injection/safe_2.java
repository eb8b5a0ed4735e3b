package com.example.repo;

import java.util.List;
import javax.persistence.EntityManager;

public class OrderRepository {
    private final EntityManager em;

    public OrderRepository(EntityManager em) { this.em = em; }

    public List<?> byStatus(String status) {
        String jpql = "SELECT o FROM Order o WHERE o.status = :status";
        return em.createQuery(jpql).setParameter("status", status).getResultList();
    }
}
