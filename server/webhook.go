package server

import (
	"context"
	"time"

	"tenx"
	"tenx/gen"
)

// The webhook operations exist on both route families (JWT control plane,
// OPERATOR+, and PAT automation, webhooks.read / webhooks.write); each
// pair shares one implementation below. Package webhook delivers.

// ListWebhooks lists subscriptions (JWT).
func (s *Server) ListWebhooks(ctx context.Context, req gen.ListWebhooksRequestObject) (gen.ListWebhooksResponseObject, error) {
	out, err := s.listWebhooks(ctx, req.Handle, req.Params.Limit, req.Params.NextToken)
	if err != nil {
		return nil, err
	}
	return gen.ListWebhooks200JSONResponse(out), nil
}

// ListWebhooksPublic lists subscriptions (PAT, webhooks.read).
func (s *Server) ListWebhooksPublic(ctx context.Context, req gen.ListWebhooksPublicRequestObject) (gen.ListWebhooksPublicResponseObject, error) {
	out, err := s.listWebhooks(ctx, req.Handle, req.Params.Limit, req.Params.NextToken)
	if err != nil {
		return nil, err
	}
	return gen.ListWebhooksPublic200JSONResponse{Body: out}, nil
}

func (s *Server) listWebhooks(ctx context.Context, handle string, limit *int, next *string) (gen.WebhookList, error) {
	f := tenx.WebhookFilter{Handle: handle}
	f.Limit, f.NextToken = listParams(limit, next)
	list, token, err := s.Webhooks.FindWebhooks(ctx, f)
	if err != nil {
		return gen.WebhookList{}, err
	}
	out := gen.WebhookList{Webhooks: make([]gen.Webhook, 0, len(list)), NextToken: optional(token)}
	for _, w := range list {
		out.Webhooks = append(out.Webhooks, toAPIWebhook(w))
	}
	return out, nil
}

// CreateWebhook subscribes an endpoint (JWT).
func (s *Server) CreateWebhook(ctx context.Context, req gen.CreateWebhookRequestObject) (gen.CreateWebhookResponseObject, error) {
	out, err := s.createWebhook(ctx, req.Handle, req.Body)
	if err != nil {
		return nil, err
	}
	return gen.CreateWebhook201JSONResponse(out), nil
}

// CreateWebhookPublic subscribes an endpoint (PAT, webhooks.write).
func (s *Server) CreateWebhookPublic(ctx context.Context, req gen.CreateWebhookPublicRequestObject) (gen.CreateWebhookPublicResponseObject, error) {
	out, err := s.createWebhook(ctx, req.Handle, req.Body)
	if err != nil {
		return nil, err
	}
	return gen.CreateWebhookPublic201JSONResponse{Body: out}, nil
}

func (s *Server) createWebhook(ctx context.Context, handle string, in *gen.WebhookCreate) (gen.WebhookCreated, error) {
	w := &tenx.Webhook{Handle: handle, EndpointURL: in.EndpointUrl, EventTypes: fromAPIEventTypes(in.EventTypes)}
	if in.Description != nil {
		w.Description = *in.Description
	}
	if err := s.validateWebhook(w); err != nil {
		return gen.WebhookCreated{}, err
	}
	if err := s.Webhooks.CreateWebhook(ctx, w); err != nil {
		return gen.WebhookCreated{}, err
	}
	a := toAPIWebhook(w)
	return gen.WebhookCreated{SubscriptionId: a.SubscriptionId, Handle: a.Handle, EndpointUrl: a.EndpointUrl,
		EventTypes: a.EventTypes, Description: a.Description, Enabled: a.Enabled, CreatedAt: a.CreatedAt,
		UpdatedAt: a.UpdatedAt, Secret: w.Secret}, nil
}

func (s *Server) validateWebhook(w *tenx.Webhook) error {
	if err := tenx.ValidateEndpointURL(w.EndpointURL, s.cfg.WebhookAllowHTTP); err != nil {
		return err
	}
	return tenx.ValidateEventTypes(w.EventTypes)
}

// GetWebhook returns one subscription (JWT).
func (s *Server) GetWebhook(ctx context.Context, req gen.GetWebhookRequestObject) (gen.GetWebhookResponseObject, error) {
	w, err := s.findWebhook(ctx, req.Handle, req.WebhookId)
	if err != nil {
		return nil, err
	}
	return gen.GetWebhook200JSONResponse(toAPIWebhook(w)), nil
}

// GetWebhookPublic returns one subscription (PAT, webhooks.read).
func (s *Server) GetWebhookPublic(ctx context.Context, req gen.GetWebhookPublicRequestObject) (gen.GetWebhookPublicResponseObject, error) {
	w, err := s.findWebhook(ctx, req.Handle, req.WebhookId)
	if err != nil {
		return nil, err
	}
	return gen.GetWebhookPublic200JSONResponse{Body: toAPIWebhook(w)}, nil
}

func (s *Server) findWebhook(ctx context.Context, handle, id string) (*tenx.Webhook, error) {
	return s.Webhooks.FindWebhook(ctx, handle, id)
}

// UpdateWebhook changes a subscription (JWT).
func (s *Server) UpdateWebhook(ctx context.Context, req gen.UpdateWebhookRequestObject) (gen.UpdateWebhookResponseObject, error) {
	w, err := s.updateWebhook(ctx, req.Handle, req.WebhookId, req.Body)
	if err != nil {
		return nil, err
	}
	return gen.UpdateWebhook200JSONResponse(toAPIWebhook(w)), nil
}

// UpdateWebhookPublic changes a subscription (PAT, webhooks.write).
func (s *Server) UpdateWebhookPublic(ctx context.Context, req gen.UpdateWebhookPublicRequestObject) (gen.UpdateWebhookPublicResponseObject, error) {
	w, err := s.updateWebhook(ctx, req.Handle, req.WebhookId, req.Body)
	if err != nil {
		return nil, err
	}
	return gen.UpdateWebhookPublic200JSONResponse{Body: toAPIWebhook(w)}, nil
}

func (s *Server) updateWebhook(ctx context.Context, handle, id string, in *gen.WebhookPatch) (*tenx.Webhook, error) {
	p := tenx.WebhookPatch{EndpointURL: in.EndpointUrl, Enabled: in.Enabled, Description: in.Description}
	if in.EndpointUrl != nil {
		if err := tenx.ValidateEndpointURL(*in.EndpointUrl, s.cfg.WebhookAllowHTTP); err != nil {
			return nil, err
		}
	}
	if in.EventTypes != nil {
		p.EventTypes = fromAPIEventTypes(*in.EventTypes)
		if err := tenx.ValidateEventTypes(p.EventTypes); err != nil {
			return nil, err
		}
	}
	return s.Webhooks.UpdateWebhook(ctx, handle, id, p)
}

// DeleteWebhook deletes a subscription (JWT).
func (s *Server) DeleteWebhook(ctx context.Context, req gen.DeleteWebhookRequestObject) (gen.DeleteWebhookResponseObject, error) {
	if err := s.Webhooks.DeleteWebhook(ctx, req.Handle, req.WebhookId); err != nil {
		return nil, err
	}
	return gen.DeleteWebhook204Response{}, nil
}

// DeleteWebhookPublic deletes a subscription (PAT, webhooks.write).
func (s *Server) DeleteWebhookPublic(ctx context.Context, req gen.DeleteWebhookPublicRequestObject) (gen.DeleteWebhookPublicResponseObject, error) {
	if err := s.Webhooks.DeleteWebhook(ctx, req.Handle, req.WebhookId); err != nil {
		return nil, err
	}
	return gen.DeleteWebhookPublic204Response{}, nil
}

// TestWebhook queues a webhook.test event (JWT).
func (s *Server) TestWebhook(ctx context.Context, req gen.TestWebhookRequestObject) (gen.TestWebhookResponseObject, error) {
	e, err := s.Webhooks.TestWebhook(ctx, req.Handle, req.WebhookId)
	if err != nil {
		return nil, err
	}
	return gen.TestWebhook202JSONResponse{EventId: e.ID}, nil
}

// TestWebhookPublic queues a webhook.test event (PAT, webhooks.write).
func (s *Server) TestWebhookPublic(ctx context.Context, req gen.TestWebhookPublicRequestObject) (gen.TestWebhookPublicResponseObject, error) {
	e, err := s.Webhooks.TestWebhook(ctx, req.Handle, req.WebhookId)
	if err != nil {
		return nil, err
	}
	return gen.TestWebhookPublic202JSONResponse{Body: gen.WebhookTestQueued{EventId: e.ID}}, nil
}

// ListWebhookDeliveries lists a subscription's deliveries (JWT).
func (s *Server) ListWebhookDeliveries(ctx context.Context, req gen.ListWebhookDeliveriesRequestObject) (gen.ListWebhookDeliveriesResponseObject, error) {
	out, err := s.listDeliveries(ctx, req.Handle, req.WebhookId, req.Params.Limit, req.Params.NextToken)
	if err != nil {
		return nil, err
	}
	return gen.ListWebhookDeliveries200JSONResponse(out), nil
}

// ListWebhookDeliveriesPublic lists a subscription's deliveries (PAT, webhooks.read).
func (s *Server) ListWebhookDeliveriesPublic(ctx context.Context, req gen.ListWebhookDeliveriesPublicRequestObject) (gen.ListWebhookDeliveriesPublicResponseObject, error) {
	out, err := s.listDeliveries(ctx, req.Handle, req.WebhookId, req.Params.Limit, req.Params.NextToken)
	if err != nil {
		return nil, err
	}
	return gen.ListWebhookDeliveriesPublic200JSONResponse{Body: out}, nil
}

func (s *Server) listDeliveries(ctx context.Context, handle, id string, limit *int, next *string) (gen.WebhookDeliveryList, error) {
	f := tenx.WebhookFilter{Handle: handle, WebhookID: id}
	f.Limit, f.NextToken = listParams(limit, next)
	list, token, err := s.Webhooks.FindWebhookDeliveries(ctx, f)
	if err != nil {
		return gen.WebhookDeliveryList{}, err
	}
	out := gen.WebhookDeliveryList{Deliveries: make([]gen.WebhookDelivery, 0, len(list)), NextToken: optional(token)}
	for _, d := range list {
		out.Deliveries = append(out.Deliveries, toAPIDelivery(d))
	}
	return out, nil
}

// RedeliverWebhookDelivery starts a new run of a delivery (JWT).
func (s *Server) RedeliverWebhookDelivery(ctx context.Context, req gen.RedeliverWebhookDeliveryRequestObject) (gen.RedeliverWebhookDeliveryResponseObject, error) {
	d, err := s.Webhooks.Redeliver(ctx, req.Handle, req.WebhookId, req.DeliveryId)
	if err != nil {
		return nil, err
	}
	return gen.RedeliverWebhookDelivery202JSONResponse(toAPIDelivery(d)), nil
}

// RedeliverWebhookDeliveryPublic starts a new run of a delivery (PAT, webhooks.write).
func (s *Server) RedeliverWebhookDeliveryPublic(ctx context.Context, req gen.RedeliverWebhookDeliveryPublicRequestObject) (gen.RedeliverWebhookDeliveryPublicResponseObject, error) {
	d, err := s.Webhooks.Redeliver(ctx, req.Handle, req.WebhookId, req.DeliveryId)
	if err != nil {
		return nil, err
	}
	return gen.RedeliverWebhookDeliveryPublic202JSONResponse{Body: toAPIDelivery(d)}, nil
}

func fromAPIEventTypes(in []gen.WebhookEventType) []string {
	out := make([]string, len(in))
	for i, t := range in {
		out[i] = string(t)
	}
	return out
}

func toAPIWebhook(w *tenx.Webhook) gen.Webhook {
	types := make([]gen.WebhookEventType, len(w.EventTypes))
	for i, t := range w.EventTypes {
		types[i] = gen.WebhookEventType(t)
	}
	return gen.Webhook{SubscriptionId: w.ID, Handle: w.Handle, EndpointUrl: w.EndpointURL, EventTypes: types,
		Description: w.Description, Enabled: w.Enabled, DisabledReason: optional(w.DisabledReason),
		FailingSince: utcPtr(w.FailingSince), CreatedAt: w.CreatedAt.UTC(), UpdatedAt: w.UpdatedAt.UTC()}
}

func toAPIDelivery(d *tenx.WebhookDelivery) gen.WebhookDelivery {
	out := gen.WebhookDelivery{DeliveryId: d.ID, SubscriptionId: d.WebhookID, EventId: d.EventID,
		EventType: d.EventType, Status: gen.WebhookDeliveryStatus(d.Status),
		NextRetryAt: utcPtr(d.NextRetryAt), Attempts: make([]gen.WebhookAttempt, 0, len(d.Attempts)),
		CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC()}
	for _, a := range d.Attempts {
		api := gen.WebhookAttempt{Attempt: a.Attempt, At: a.At.UTC(), DurationMs: a.Duration.Milliseconds(),
			Error: optional(a.Error), Response: optional(a.Response), NextRetryAt: utcPtr(a.RetryAt)}
		if a.StatusCode != 0 {
			code := a.StatusCode
			api.StatusCode = &code
		}
		out.Attempts = append(out.Attempts, api)
	}
	return out
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
