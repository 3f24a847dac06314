package api

import (
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/cifbridge/cif-bridge/host/templates"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// notifyEvent resolves a notification template for the extension, which
// shows it to the agent and settles the page's promise with the agent's
// answer: cif-host owns the templates, the extension the live queue.

// maxCancellationToken bounds the token a page names a notification by.
const maxCancellationToken = 256

// notificationInput is notifyEvent's input, an object CIF leaves open:
// besides these, CIF reads eventType, notificationUXObject and
// additionalParametersObject, which have no effect here.
type notificationInput struct {
	TemplateName       string         `json:"templateName"`
	TemplateParameters object         `json:"templateParameters"`
	CancellationToken  *string        `json:"cancellationToken"`
	Resolver           jsontext.Value `json:"templateNameResolver"`
}

// Notification is notifyEvent's result: the resolved template, and the
// token the page may cancel it with.
type Notification struct {
	templates.ResolvedNotification
	CancellationToken string `json:"cancellationToken,omitempty"`
}

func notifyEvent(c call) (any, error) {
	p, err := decode[struct {
		Input openObject `json:"input"`
		// CancellationToken is the documented third argument; Microsoft's
		// samples pass it inside input, which wins.
		CancellationToken string `json:"cancellationToken"`
		correlated        `json:",inline"`
	}](c.method, c.args)
	if err != nil {
		return nil, err
	}
	var in notificationInput
	if ok, err := p.Input.into(c.method, "input", &in); err != nil {
		return nil, err
	} else if !ok {
		return nil, errcode.Errorf(errcode.InvalidParams, "The Input parameter is blank. Provide a value: notifyEvent needs an input object such as {templateName: \"msdyn_chat_incoming_unauthenticated\", templateParameters: {customerName: \"Ann\"}}")
	}
	token := p.CancellationToken
	if in.CancellationToken != nil {
		token = *in.CancellationToken
	}
	if len(token) > maxCancellationToken {
		return nil, errcode.Errorf(errcode.InvalidParams, "notifyEvent: the cancellationToken is %d bytes, over the limit of %d; pass a short unique string, such as a conversation id", len(token), maxCancellationToken)
	}
	n, err := notificationTemplate(c.catalog, in)
	if err != nil {
		return nil, err
	}
	return Notification{ResolvedNotification: n.Resolve(in.TemplateParameters), CancellationToken: token}, nil
}

// notificationTemplate finds the template an input names, with CIF's
// error texts first.
func notificationTemplate(catalog *templates.Catalog, in notificationInput) (*templates.Notification, error) {
	if in.TemplateName == "" && present(in.Resolver) != nil {
		return nil, errcode.Errorf(errcode.TemplateNotFound, "NotificationTemplateResolverNotFoundError: CIF Bridge runs no template name resolvers; pass input.templateName, the unique name of a notification template")
	}
	if in.TemplateName == "" {
		return nil, errcode.Errorf(errcode.TemplateNotFound, "NotificationTemplateNotFoundError: input.templateName is blank; pass the unique name of a notification template, such as msdyn_chat_incoming_unauthenticated")
	}
	n, ok := catalog.Notification(in.TemplateName)
	if !ok {
		return nil, errcode.Errorf(errcode.TemplateNotFound, "NotificationTemplateNotFoundError: no notification template is named %s. Known notification templates: %s; add yours to templates.json (see docs/templates.md)",
			errcode.Clip(in.TemplateName), strings.Join(catalog.NotificationNames(), ", "))
	}
	return n, nil
}
