package habitkit_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/habitkit/habitkit"
	"github.com/habitkit/habitkit/challenge"
	"github.com/habitkit/habitkit/storage"
)

func TestEnrol(t *testing.T) {
	f := newFixture(t, nil)
	tests := []struct {
		name    string
		now     time.Time
		req     habitkit.EnrolRequest
		wantErr error
		field   string
		check   func(t *testing.T, en challenge.Enrolment)
	}{
		{name: "ok cohort", now: at(1, 9, 0), req: habitkit.EnrolRequest{ProgrammeID: "digital-confidence", ParticipantID: "a", TeamID: "north", CohortID: "march"},
			check: func(t *testing.T, en challenge.Enrolment) {
				assert.Equal(t, challenge.NewDate(2027, 3, 1), en.Start)
				assert.Equal(t, 1, en.FirstDay)
				assert.Equal(t, "Europe/London", en.Zone(), "the programme's zone is the default")
				assert.Equal(t, challenge.TeamID("north"), en.TeamID)
				assert.Equal(t, 1, en.ProgrammeVersion)
			}},
		{name: "ok cohort before it starts", now: at(1, 3, 0).AddDate(0, 0, -5), req: habitkit.EnrolRequest{ProgrammeID: "digital-confidence", ParticipantID: "b", CohortID: "march"},
			check: func(t *testing.T, en challenge.Enrolment) { assert.Equal(t, 1, en.FirstDay) }},
		{name: "ok self-paced starts today", now: at(6, 9, 0), req: habitkit.EnrolRequest{ProgrammeID: "digital-confidence", ParticipantID: "c", TimeZone: "Asia/Kolkata"},
			check: func(t *testing.T, en challenge.Enrolment) {
				assert.Equal(t, challenge.NewDate(2027, 3, 6), en.Start)
				assert.Equal(t, "Asia/Kolkata", en.Zone())
			}},
		{name: "ok self-paced at 02:30 starts on the previous day", now: at(6, 2, 30), req: habitkit.EnrolRequest{ProgrammeID: "digital-confidence", ParticipantID: "d"},
			check: func(t *testing.T, en challenge.Enrolment) { assert.Equal(t, challenge.NewDate(2027, 3, 5), en.Start) }},
		{name: "ok rota and absences", now: at(1, 9, 0), req: habitkit.EnrolRequest{ProgrammeID: "digital-confidence", ParticipantID: "e", CohortID: "march",
			Rota:     challenge.Rota{Start: challenge.NewDate(2027, 3, 1), On: 4, Off: 4},
			Absences: []challenge.Absence{{From: challenge.NewDate(2027, 3, 3), To: challenge.NewDate(2027, 3, 4), Reason: "leave"}}},
			check: func(t *testing.T, en challenge.Enrolment) {
				assert.Equal(t, 4, en.Rota.On)
				assert.Len(t, en.Absences, 1)
			}},
		{name: "ErrConflict already enrolled", now: at(1, 9, 0), req: habitkit.EnrolRequest{ProgrammeID: "digital-confidence", ParticipantID: "a"}, wantErr: habitkit.ErrConflict},
		{name: "ErrNotFound programme", now: at(1, 9, 0), req: habitkit.EnrolRequest{ProgrammeID: "nope", ParticipantID: "x"}, wantErr: habitkit.ErrNotFound},
		{name: "ErrNotFound cohort", now: at(1, 9, 0), req: habitkit.EnrolRequest{ProgrammeID: "digital-confidence", ParticipantID: "x", CohortID: "june"}, wantErr: habitkit.ErrNotFound},
		{name: "ErrOutsideProgramme cohort finished", now: at(12, 9, 0), req: habitkit.EnrolRequest{ProgrammeID: "digital-confidence", ParticipantID: "x", CohortID: "march"}, wantErr: habitkit.ErrOutsideProgramme},
		{name: "ErrInvalid time zone", now: at(1, 9, 0), req: habitkit.EnrolRequest{ProgrammeID: "digital-confidence", ParticipantID: "x", TimeZone: "Mars/Olympus"}, wantErr: habitkit.ErrInvalid, field: "TimeZone"},
		{name: "ErrInvalid participant", now: at(1, 9, 0), req: habitkit.EnrolRequest{ProgrammeID: "digital-confidence", ParticipantID: " "}, wantErr: habitkit.ErrInvalid, field: "ParticipantID"},
		{name: "ErrInvalid rota", now: at(1, 9, 0), req: habitkit.EnrolRequest{ProgrammeID: "digital-confidence", ParticipantID: "x", Rota: challenge.Rota{Start: challenge.NewDate(2027, 3, 1), On: 4}}, wantErr: habitkit.ErrInvalid, field: "Rota"},
		{name: "ErrInvalid absence", now: at(1, 9, 0), req: habitkit.EnrolRequest{ProgrammeID: "digital-confidence", ParticipantID: "x",
			Absences: []challenge.Absence{{From: challenge.NewDate(2027, 3, 4), To: challenge.NewDate(2027, 3, 3)}}}, wantErr: habitkit.ErrInvalid, field: "Absences[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.clock.Set(tt.now)
			before, err := f.engine.Enrolments(f.ctx, storage.EnrolmentFilter{ProgrammeID: "digital-confidence"}, "", 0)
			require.NoError(t, err)
			en, err := f.engine.Enrol(f.ctx, tt.req)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				if tt.field != "" {
					var ve *habitkit.ValidationError
					require.ErrorAs(t, err, &ve)
					assert.Equal(t, tt.field, ve.Field)
				}
				after, err := f.engine.Enrolments(f.ctx, storage.EnrolmentFilter{ProgrammeID: "digital-confidence"}, "", 0)
				require.NoError(t, err)
				assert.Equal(t, len(before.Items), len(after.Items), "a refused enrolment stores nothing")
				return
			}
			require.NoError(t, err)
			got, err := f.engine.EnrolmentOf(f.ctx, "digital-confidence", tt.req.ParticipantID)
			require.NoError(t, err)
			assert.Equal(t, en.ID, got.ID)
			tt.check(t, got)
		})
	}
}

func TestLateJoinerFirstDay(t *testing.T) {
	f := newFixture(t, nil)
	f.clock.Set(at(6, 3, 0)) // still day 5 before 04:00
	en := f.enrol("late")
	assert.Equal(t, 5, en.FirstDay)
}

func TestPublishVersions(t *testing.T) {
	f := newFixture(t, nil)
	old := f.enrol("old-timer")
	p := testProgramme()
	p.Title = "Digital confidence, second edition"
	p.Activities[0].Points = 100
	v, err := f.engine.Publish(f.ctx, p)
	require.NoError(t, err)
	assert.Equal(t, 2, v)
	latest, err := f.engine.Programme(f.ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, "Digital confidence, second edition", latest.Title)

	newcomer := f.enrol("newcomer")
	assert.Equal(t, 2, newcomer.ProgrammeVersion)
	assert.Equal(t, 10, f.complete(old, 1).Completion.Points, "an existing enrolment keeps its version")
	assert.Equal(t, 100, f.complete(newcomer, 1).Completion.Points)

	bad := testProgramme()
	bad.Schedule = append(bad.Schedule, challenge.Slot{Day: 11, ActivityID: "nope"})
	_, err = f.engine.Publish(f.ctx, bad)
	var problems habitkit.ValidationErrors
	require.ErrorAs(t, err, &problems)
	assert.GreaterOrEqual(t, len(problems), 2, "every problem is reported at once")
	latest, err = f.engine.Programme(f.ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, "Digital confidence, second edition", latest.Title, "an invalid programme is not stored")
}
